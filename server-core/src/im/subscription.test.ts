import { roundTrip, startWorld, type World } from '../../testing/world';
import { bare, getRoster, mutualSubscription, presence, presenceOf, rosterItems, rosterPush, setRosterItem } from '../../testing/presence-steps';

describe('presence subscriptions (RFC 6121 section 3)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(['romeo', 'juliet', 'nurse', 'tybalt', 'paris', 'mercutio', 'benvolio']);
  });
  afterAll(() => world.stop());

  const itemOf = async (client: Parameters<typeof getRoster>[0], jid: string) =>
    rosterItems(await getRoster(client)).find((i) => i.attrs.jid === jid);

  test('a handshake both ways ends in "both" and each side sees the other online', async () => {
    const romeo = await world.online('romeo', 'balcony');
    const juliet = await world.online('juliet', 'chamber');
    await getRoster(romeo);
    const jBare = bare(juliet.jid);

    await romeo.send(presence('subscribe', jBare));
    await romeo.waitFor(rosterPush(jBare, (i) => i.attrs.ask === 'subscribe'), 5000, 'a push with ask=subscribe');
    const request = await juliet.waitFor(presenceOf(bare(romeo.jid), 'subscribe'));
    expect(request.attrs.from).toBe(bare(romeo.jid));

    await juliet.send(presence('subscribed', bare(romeo.jid)));
    await romeo.waitFor(rosterPush(jBare, (i) => i.attrs.subscription === 'to' && i.attrs.ask === undefined));
    await romeo.waitFor(presenceOf(juliet.jid), 5000, "juliet's presence after she accepted");

    await mutualSubscription(world, romeo, juliet);
    expect((await itemOf(romeo, jBare))?.attrs.subscription).toBe('both');
    expect((await itemOf(juliet, bare(romeo.jid)))?.attrs.subscription).toBe('both');
    await juliet.waitFor(presenceOf(romeo.jid), 5000, "romeo's presence after he accepted");
  });

  test('a request made while the contact is offline is delivered at its next login, until answered', async () => {
    const tybalt = await world.online('tybalt', 'street');
    await tybalt.send(presence('subscribe', `mercutio@${world.domain}`));
    await roundTrip(tybalt, world.domain);

    const first = await world.online('mercutio', 'one');
    await first.waitFor(presenceOf(bare(tybalt.jid), 'subscribe'), 5000, 'the stored request');
    expect(rosterItems(await getRoster(first)).some((i) => i.attrs.jid === bare(tybalt.jid))).toBe(false);
    await first.stop();

    const second = await world.online('mercutio', 'two');
    await second.waitFor(presenceOf(bare(tybalt.jid), 'subscribe'), 5000, 'the request again');
    await second.send(presence('subscribed', bare(tybalt.jid)));
    await tybalt.waitFor(presenceOf(`mercutio@${world.domain}`, 'subscribed'));
    await second.stop();

    const third = await world.online('mercutio', 'three');
    await roundTrip(third, world.domain);
    expect(third.received.some(presenceOf(bare(tybalt.jid), 'subscribe'))).toBe(false);
  });

  test('a pre-approved request is accepted by the server without asking the user', async () => {
    const nurse = await world.online('nurse', 'kitchen');
    const paris = await world.online('paris', 'church');
    await getRoster(nurse);
    await nurse.send(presence('subscribed', bare(paris.jid)));
    const push = await nurse.waitFor(rosterPush(bare(paris.jid), (i) => i.attrs.approved === 'true'), 5000, 'the pre-approval push');
    expect(push.getChild('query')!.getChild('item')!.attrs.subscription).toBe('none');
    await roundTrip(paris, world.domain);
    expect(paris.received.some(presenceOf(bare(nurse.jid), 'subscribed'))).toBe(false);

    await paris.send(presence('subscribe', bare(nurse.jid)));
    await paris.waitFor(presenceOf(bare(nurse.jid), 'subscribed'), 5000, 'the automatic approval');
    await paris.waitFor(presenceOf(nurse.jid), 5000, "the nurse's presence");
    await nurse.waitFor(rosterPush(bare(paris.jid), (i) => i.attrs.subscription === 'from'));
    expect(nurse.received.some(presenceOf(bare(paris.jid), 'subscribe'))).toBe(false);
  });

  test('removing a roster item cancels the subscription in both directions', async () => {
    const benvolio = await world.online('benvolio', 'square');
    const romeo = await world.online('romeo', 'square');
    await getRoster(romeo);
    await mutualSubscription(world, benvolio, romeo);

    await setRosterItem(benvolio, bare(romeo.jid), { subscription: 'remove' });
    await romeo.waitFor(rosterPush(bare(benvolio.jid), (i) => i.attrs.subscription === 'none'), 5000, 'the push back to none');
    await romeo.waitFor(presenceOf(benvolio.jid, 'unavailable'), 5000, 'benvolio going unavailable for romeo');
    expect(rosterItems(await getRoster(benvolio)).some((i) => i.attrs.jid === bare(romeo.jid))).toBe(false);
  });

  test('subscribing to a user who does not exist is answered with unsubscribed', async () => {
    const juliet = await world.online('juliet', 'garden');
    await getRoster(juliet);
    const ghost = `ghost@${world.domain}`;
    await juliet.send(presence('subscribe', ghost));
    await juliet.waitFor(presenceOf(ghost, 'unsubscribed'), 5000, 'unsubscribed from the missing user');
    await juliet.waitFor(rosterPush(ghost, (i) => i.attrs.ask === undefined && i.attrs.subscription === 'none'));
  });
});
