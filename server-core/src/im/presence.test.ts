import { roundTrip, startWorld, xml, type World } from '../../testing/world';
import { bare, getRoster, mutualSubscription, presence, presenceOf } from '../../testing/presence-steps';

describe('presence (RFC 6121 section 4)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(['ann', 'ben', 'cat', 'dan']);
  });
  afterAll(() => world.stop());

  test('a contact sees presence changes with their unknown children intact, and unavailable on disconnect', async () => {
    const ann = await world.online('ann', 'desk');
    const ben = await world.online('ben', 'desk');
    await mutualSubscription(world, ann, ben);

    const caps = xml('c', { xmlns: 'http://jabber.org/protocol/caps', hash: 'sha-1', node: 'https://example.org', ver: 'abc=' });
    await ann.send(xml('presence', {}, xml('show', {}, 'away'), xml('status', {}, 'Lunch'), caps));
    const seen = await ben.waitFor((s) => presenceOf(ann.jid)(s) && s.getChildText('status') === 'Lunch', 5000, "ann's away presence");
    expect(seen.getChildText('show')).toBe('away');
    expect(seen.getChild('c', 'http://jabber.org/protocol/caps')?.attrs.ver).toBe('abc=');

    await ann.stop();
    await ben.waitFor(presenceOf(ann.jid, 'unavailable'), 5000, 'ann going offline');
  });

  test('a contact who logs in later learns the presence of those already online', async () => {
    const cat = await world.online('cat', 'home');
    const dan = await world.online('dan', 'home');
    await mutualSubscription(world, cat, dan);
    await dan.stop();

    const later = await world.online('dan', 'later');
    await later.waitFor(presenceOf(cat.jid), 5000, "cat's presence answered to the probe");
  });

  test('directed presence reaches a non-contact, who then sees unavailable when the sender leaves', async () => {
    const ann = await world.online('ann', 'directed');
    const cat = await world.online('cat', 'directed');
    await ann.send(presence(undefined, cat.jid, xml('status', {}, 'hello there')));
    await cat.waitFor((s) => presenceOf(ann.jid)(s) && s.getChildText('status') === 'hello there', 5000, 'the directed presence');
    await ann.stop();
    await cat.waitFor(presenceOf(ann.jid, 'unavailable'), 5000, 'unavailable to the directed presence recipient');
  });

  test("a user's resources see each other come and go", async () => {
    const first = await world.online('ben', 'first');
    const second = await world.online('ben', 'second');
    await first.waitFor(presenceOf(second.jid), 5000, 'the new resource');
    await second.waitFor(presenceOf(first.jid), 5000, 'the resource that was already online');
    await second.stop();
    await first.waitFor(presenceOf(second.jid, 'unavailable'), 5000, 'the resource leaving');
  });

  test('a priority outside -128..127 is refused with bad-request', async () => {
    const client = await world.online('cat', 'loud', { priority: null });
    await client.send(xml('presence', {}, xml('priority', {}, '500')));
    const error = await client.waitFor((s) => s.is('presence') && s.attrs.type === 'error', 5000, 'a presence error');
    expect(error.getChild('error')?.getChild('bad-request')).toBeDefined();
  });

  test('presence from someone the recipient blocked is not delivered, while others still get it', async () => {
    const dan = await world.online('dan', 'blocker');
    await getRoster(dan);
    await dan.iq(xml('iq', { type: 'set' }, xml('block', { xmlns: 'urn:xmpp:blocking' }, xml('item', { jid: `ann@${world.domain}` }))));
    const ann = await world.online('ann', 'stranger');
    const witness = await world.online('cat', 'witness');
    await ann.send(presence(undefined, bare(dan.jid), xml('status', {}, 'let me in')));
    await ann.send(presence(undefined, witness.jid, xml('status', {}, 'let me in')));
    await witness.waitFor((s) => s.is('presence') && s.getChildText('status') === 'let me in', 5000, 'the same presence at an unblocked user');
    await roundTrip(ann, world.domain);
    await roundTrip(dan, world.domain);
    expect(dan.received.some((s) => s.is('presence') && s.getChildText('status') === 'let me in')).toBe(false);
  });
});
