import { RosterCache } from './roster-cache';

const roster = (version: string, jid = 'bob@localhost') => ({
  version,
  items: [{ jid, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] }],
});

describe('roster cache', () => {
  it('answers only for the version it was read at', () => {
    const cache = new RosterCache();
    cache.set('alice@localhost', roster('4'));
    expect(cache.get('alice@localhost', '4')?.items[0].jid).toBe('bob@localhost');
    expect(cache.get('alice@localhost', '5')).toBeUndefined();
    expect(cache.get('carol@localhost', '4')).toBeUndefined();
  });

  it('forgets the least recently used owner first when full', () => {
    const cache = new RosterCache(2);
    cache.set('a@localhost', roster('1'));
    cache.set('b@localhost', roster('1'));
    expect(cache.get('a@localhost', '1')).toBeDefined();
    cache.set('c@localhost', roster('1'));
    expect(cache.get('b@localhost', '1')).toBeUndefined();
    expect(cache.get('a@localhost', '1')).toBeDefined();
    expect(cache.get('c@localhost', '1')).toBeDefined();
  });
});
