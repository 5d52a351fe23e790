import type { Element } from 'ltx';
import { startWorld, roundTrip, xml, chatClientCaps, CHAT_CLIENT_FEATURES, notifyOf, type ClientCaps, type World } from '../../../testing/world';
import { mutualSubscription } from '../../../testing/presence-steps';
import { ClientCapabilities } from '../../../../test/support/client-caps';
import { MAX_FEATURES } from './caps-verification';
import type { LocalEntityCaps } from '.';

const TUNE = 'http://jabber.org/protocol/tune';
const MOOD = 'http://jabber.org/protocol/mood';
const DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const EVENT = 'http://jabber.org/protocol/pubsub#event';
const QUERY_TIMEOUT_MS = 300;

const tunePublish = (artist: string) =>
  xml('iq', { type: 'set' }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('publish', { node: TUNE }, xml('item', {}, xml('tune', { xmlns: TUNE }, xml('artist', {}, artist))))));
const tuneEvent = (artist: string) => (s: Element) => s.getChild('event', EVENT)?.getChild('items')?.getChild('item')?.getChild('tune', TUNE)?.getChildText('artist') === artist;
const anyPepEvent = (s: Element) => s.is('message') && s.getChild('event', EVENT) !== undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('entity capabilities (XEP-0115)', () => {
  let world: World;
  const caps = () => world.server.server.context.services.get('caps') as LocalEntityCaps;
  const follows = chatClientCaps(TUNE);

  beforeEach(async () => {
    world = await startWorld(['alice', 'bob'], { limits: { capsQueryTimeoutMs: QUERY_TIMEOUT_MS } });
  });
  afterEach(() => world.stop());

  test('a new ver is asked about once, at node#ver; another client with the same ver is not asked again', async () => {
    const first = await world.online('alice', 'pc', { caps: follows });
    expect(first.discoRequests).toHaveLength(1);
    const request = first.discoRequests[0]!;
    expect(request.attrs.from).toBe(world.domain);
    expect(request.attrs.type).toBe('get');
    const advertised = new ClientCapabilities(follows);
    expect(request.getChild('query', DISCO_INFO)?.attrs.node).toBe(`${advertised.node}#${advertised.ver}`);
    expect(caps().featuresOf(first.jid)?.has(`${TUNE}+notify`)).toBe(true);

    const second = await world.online('bob', 'pc', { caps: follows });
    expect(second.discoRequests).toEqual([]);
    expect(caps().featuresOf(second.jid)?.has(`${TUNE}+notify`)).toBe(true);
    expect(caps().featuresOf(`${world.domain}/nobody`)).toBeUndefined();
  });

  test('a ver the answer does not hash to is not remembered, and its resource gets no events', async () => {
    const alice = await world.online('alice', 'pc', { caps: follows });
    const bob = await world.online('bob', 'pc', { caps: follows });
    await mutualSubscription(world, alice, bob);
    const wrongVer: ClientCaps = { ...follows, ver: 'bm90IHRoZSByaWdodCB2ZXI=' };
    const liar = await world.online('bob', 'liar', { caps: wrongVer });
    expect(liar.discoRequests).toHaveLength(1);
    expect(caps().featuresOf(liar.jid)).toBeUndefined();
    const again = await world.online('bob', 'liar-too', { caps: wrongVer });
    expect(again.discoRequests).toHaveLength(1);

    await alice.iq(tunePublish('Sarah Vaughan'));
    await bob.waitFor(tuneEvent('Sarah Vaughan'), 5000, 'the tune at the honest resource');
    for (const client of [liar, again]) {
      await roundTrip(client, world.domain);
      expect(client.received.filter(anyPepEvent)).toEqual([]);
    }
  });

  test('caps learnt from the answer bring the last items; legacy caps count for their own resource only', async () => {
    const alice = await world.online('alice', 'pc', { caps: follows });
    const bob = await world.online('bob', 'pc', { caps: follows });
    await mutualSubscription(world, alice, bob);
    await alice.iq(tunePublish('Billie Holiday'));

    const fresh = await world.online('bob', 'fresh', { caps: chatClientCaps(TUNE, MOOD) });
    expect(fresh.discoRequests).toHaveLength(1);
    await fresh.waitFor(tuneEvent('Billie Holiday'), 5000, 'the last tune once the caps were verified');

    const legacy: ClientCaps = { ...follows, legacy: true };
    const old = await world.online('bob', 'old', { caps: legacy });
    await old.waitFor(tuneEvent('Billie Holiday'), 5000, 'the last tune at a legacy-caps resource');
    const otherOld = await world.online('bob', 'old-too', { caps: legacy });
    expect(otherOld.discoRequests).toHaveLength(1);

    await old.stop();
    await roundTrip(bob, world.domain);
    expect(caps().featuresOf(old.jid)).toBeUndefined();
  });

  test('clients that answer with an error, too much or nothing learn nothing, and no request stays open', async () => {
    const failing = await world.online('alice', 'error', { caps: { ...follows, answer: 'error' } });
    expect(failing.discoRequests).toHaveLength(1);
    expect(caps().featuresOf(failing.jid)).toBeUndefined();

    const huge = await world.online('alice', 'huge', { caps: { features: Array.from({ length: MAX_FEATURES + 1 }, (_, i) => `urn:example:feature:${i}`), ver: 'aHVnZQ==' } });
    expect(huge.discoRequests).toHaveLength(1);
    expect(caps().featuresOf(huge.jid)).toBeUndefined();
    expect(caps().pendingQueries).toBe(0);

    // Two silent clients with one ver: the second is asked once the first timed out.
    const silent = { caps: { features: [...CHAT_CLIENT_FEATURES, ...notifyOf(MOOD)], answer: 'silent' as const } };
    const first = await world.online('alice', 'silent-1', silent);
    const second = await world.online('alice', 'silent-2', silent);
    expect([first.discoRequests.length, second.discoRequests.length]).toEqual([1, 0]);
    expect(caps().pendingQueries).toBe(1);
    await second.waitFor((s) => s.is('iq') && s.getChild('query', DISCO_INFO) !== undefined, 5000, 'the request once the first client timed out');
    await sleep(QUERY_TIMEOUT_MS * 2);
    expect(caps().pendingQueries).toBe(0);
    expect(caps().featuresOf(first.jid)).toBeUndefined();
  });

  test('a resource that leaves before answering leaves no request open', async () => {
    await world.stop();
    world = await startWorld(['bob'], { limits: { capsQueryTimeoutMs: 60000 } });
    const leaving = await world.online('bob', 'leaving', { caps: { ...follows, answer: 'silent' } });
    expect(caps().pendingQueries).toBe(1);
    await leaving.stop();
    const deadline = Date.now() + 5000;
    while (caps().pendingQueries > 0 && Date.now() < deadline) await sleep(10);
    expect(caps().pendingQueries).toBe(0);
  });
});
