import { bareJidRecipients } from './message-recipients';

const route = (fullJid: string, priority: number, available = true) => ({ fullJid, priority, available, node: 'n1' });

describe('recipients of a message to a bare JID', () => {
  const resources = [route('a@x/low', 1), route('a@x/high', 5), route('a@x/tied', 5), route('a@x/negative', -1), route('a@x/away', 9, false)];

  test('chat goes to the available resources with the highest priority, all of them when tied', () => {
    expect(bareJidRecipients(resources, 'highest').sort()).toEqual(['a@x/high', 'a@x/tied']);
  });

  test('headline goes to every available resource with a non-negative priority', () => {
    expect(bareJidRecipients(resources, 'all').sort()).toEqual(['a@x/high', 'a@x/low', 'a@x/tied']);
  });

  test('resources with only negative priorities count as no resource at all', () => {
    expect(bareJidRecipients([route('a@x/negative', -1), route('a@x/away', 3, false)], 'highest')).toEqual([]);
  });
});
