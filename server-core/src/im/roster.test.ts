import { roundTrip, startWorld, type World } from '../../testing/world';
import { getRoster, rosterItems, rosterOnly, rosterPush, setRosterItem } from '../../testing/presence-steps';

describe('roster (RFC 6121 section 2)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(['alice', 'bob']);
  });
  afterAll(() => world.stop());

  test('an added item is pushed to the other resource that asked for the roster, and only to it', async () => {
    const phone = await rosterOnly(world, 'alice', 'phone');
    const laptop = await rosterOnly(world, 'alice', 'laptop');
    const silent = await world.online('alice', 'silent', { priority: null });
    const bob = `bob@${world.domain}`;

    await setRosterItem(phone, bob, { name: 'Bob' }, ['Friends', 'Work']);

    const push = await laptop.waitFor(rosterPush(bob), 5000, 'the roster push for bob');
    expect(push.attrs.from === undefined || push.attrs.from === `alice@${world.domain}`).toBe(true);
    const item = push.getChild('query')!.getChild('item')!;
    expect(item.attrs).toMatchObject({ name: 'Bob', subscription: 'none' });
    expect(item.getChildren('group').map((g) => g.getText())).toEqual(['Friends', 'Work']);
    expect(push.getChild('query')!.attrs.ver).toEqual(expect.any(String));
    await roundTrip(silent, world.domain);
    expect(silent.received.some(rosterPush(bob))).toBe(false);

    const roster = rosterItems(await getRoster(laptop));
    expect(roster.map((i) => i.attrs.jid)).toContain(bob);
  });

  test('a client with the current version gets an empty result; after a change it gets the full roster', async () => {
    const client = await rosterOnly(world, 'bob', 'versioned');
    const first = await getRoster(client, '');
    const ver = String(first.getChild('query')!.attrs.ver);
    expect(ver).not.toBe('');

    const unchanged = await getRoster(client, ver);
    expect(unchanged.getChild('query')).toBeUndefined();

    await setRosterItem(client, `carol@${world.domain}`);
    const changed = await getRoster(client, ver);
    expect(changed.getChild('query')!.attrs.ver).not.toBe(ver);
    expect(rosterItems(changed).map((i) => i.attrs.jid)).toContain(`carol@${world.domain}`);
  });

  test('invalid roster sets are refused with the RFC 6121 2.3.3 conditions', async () => {
    const client = await rosterOnly(world, 'bob', 'strict');
    const refusal = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { condition?: string }) => e.condition ?? String(e));
    expect(await refusal(setRosterItem(client, `dave@${world.domain}`, {}, ['Same', 'Same']))).toBe('bad-request');
    expect(await refusal(setRosterItem(client, `dave@${world.domain}`, {}, ['']))).toBe('not-acceptable');
    expect(await refusal(setRosterItem(client, 'not a jid@@'))).toBe('jid-malformed');
    expect(await refusal(setRosterItem(client, `nobody@${world.domain}`, { subscription: 'remove' }))).toBe('item-not-found');
  });

  test('a client cannot set a subscription state: only "remove" is honoured', async () => {
    const client = await rosterOnly(world, 'bob', 'sneaky');
    const eve = `eve@${world.domain}`;
    await setRosterItem(client, eve, { subscription: 'both', ask: 'subscribe' });
    const item = rosterItems(await getRoster(client)).find((i) => i.attrs.jid === eve)!;
    expect(item.attrs.subscription).toBe('none');
    expect(item.attrs.ask).toBeUndefined();

    await setRosterItem(client, eve, { subscription: 'remove' });
    await client.waitFor(rosterPush(eve, (i) => i.attrs.subscription === 'remove'));
    expect(rosterItems(await getRoster(client)).some((i) => i.attrs.jid === eve)).toBe(false);
  });
});
