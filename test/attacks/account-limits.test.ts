/**
 * Per-account limits: a roster, a blocklist, a vCard and PEP nodes each stop at their limit
 * with an error that names it, and fetching a roster or blocklist at its limit, again and
 * again, leaves other users' pings as they were.
 */
import type { Element } from 'ltx';
import { startTestServer, type TestServer } from '../support/server-harness';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';
import { HonestClient, MAX_HONEST_SLOWDOWN, pingOnce } from './attack-kit';
import { RawSession } from './raw-iq-session';

const ROSTER_LIMIT = 20_000;
const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const PUBSUB = 'http://jabber.org/protocol/pubsub';

interface Failure {
  condition: string;
  text: string;
  type: string;
  application?: Element;
}

async function failure(client: TestClient, iq: Element): Promise<Failure> {
  try {
    await client.iq(iq, 15000);
  } catch (err) {
    const { condition, text, type, application } = err as Partial<Failure>;
    if (condition) return { condition, text: text ?? '', type: type ?? '', application };
    throw err;
  }
  throw new Error('the request was answered with a result');
}

/** An error stanza's condition, type and text. */
function errorOf(stanza: Element): Failure {
  const error = stanza.getChild('error')!;
  const condition = error.children.find((c): c is Element => typeof c !== 'string' && c.attrs.xmlns === STANZAS && c.name !== 'text');
  return { condition: condition?.name ?? '', text: error.getChildText('text', STANZAS) ?? '', type: String(error.attrs.type) };
}

/**
 * The honest client's ping ratio while `fetch` runs back to back: the median of every ping
 * sent during the attack over the baseline (both floored at 2 ms, as HonestClient.ratio does).
 * The attack goes on until at least 15 pings and `minFetches` fetches are done.
 */
async function ratioDuring(minFetches: number, fetch: () => Promise<void>): Promise<number> {
  const pings: number[] = [];
  let fetches = 0;
  let over = false;
  const attack = (async () => {
    try {
      while (fetches < minFetches || pings.length < 15) {
        await fetch();
        fetches += 1;
      }
    } finally {
      over = true;
    }
  })();
  while (!over) pings.push(await pingOnce(honest.client));
  await attack;
  const sorted = [...pings].sort((a, b) => a - b);
  return Math.max(sorted[Math.floor(sorted.length / 2)], 2) / Math.max(baselineMs, 2);
}

let server: TestServer;
let honest: HonestClient;
let baselineMs = 0;
const clients: TestClient[] = [];
const connect = async (username: string, resource?: string) => {
  const client = await connectClient(server, { username, password: `${username}-secret`, resource });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  server = await startTestServer({
    config: { listeners: { c2s: { requireTls: false } }, auth: { allowPlainWithoutTls: true }, limits: { rosterItemsPerUser: ROSTER_LIMIT } },
  });
  for (const user of ['rich', 'stranger', 'blocker', 'carder', 'publisher', 'honest']) await server.createUser(user, `${user}-secret`);
  const limits = server.server.context.limits;
  await server.server.db.transaction(async (tx) => {
    for (let n = 0; n < ROSTER_LIMIT; n++) {
      await tx.run(
        `INSERT INTO roster_items (username, jid, name, subscription, ask_out, pending_in, pending_in_stanza, pre_approved, group_names)
         VALUES (?, ?, NULL, 'none', 0, 0, NULL, 0, '["Friends"]')`,
        ['rich', `contact-${n}@localhost`],
      );
    }
    for (let n = 0; n < limits.blocklistItemsPerUser; n++) await tx.run('INSERT INTO blocklist_items (username, jid) VALUES (?, ?)', ['blocker', `spammer-${n}@spam.example`]);
  });
  honest = await HonestClient.connect(server, 'honest', 'honest-secret');
}, 120000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await honest.stop();
  await server.stop();
});

describe('roster size', () => {
  test('fetching a 20,000-item roster over and over does not stall other users', async () => {
    const rich = await RawSession.login(server, 'rich', 'rich-secret');
    expect((await rich.iq('get', "<query xmlns='jabber:iq:roster'/>")).items).toBe(ROSTER_LIMIT);
    baselineMs = await honest.baseline();
    const ratio = await ratioDuring(3, async () => {
      expect((await rich.iq('get', "<query xmlns='jabber:iq:roster'/>")).items).toBe(ROSTER_LIMIT);
    });
    expect(rich.stream.closed).toBe(false);
    expect(ratio).toBeLessThan(MAX_HONEST_SLOWDOWN);
    await rich.dispose();
  }, 120000);

  test('a full roster refuses a new item, a subscription request out and one in, naming limits.rosterItemsPerUser', async () => {
    await honest.baseline();
    const rich = await connect('rich', 'small');
    const expected = { condition: 'resource-constraint', type: 'cancel', text: `the roster of rich@localhost is full: remove a contact first (limits.rosterItemsPerUser is ${ROSTER_LIMIT})` };
    const set = xml('iq', { type: 'set' }, xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid: 'newcomer@localhost' })));
    expect(await failure(rich, set)).toMatchObject(expected);

    await rich.send(xml('presence', { type: 'subscribe', to: 'stranger@localhost', id: 'sub-out' }));
    const outError = await rich.waitFor((s) => s.is('presence') && s.attrs.type === 'error' && s.attrs.id === 'sub-out', 5000, 'the error for its subscribe');
    expect(errorOf(outError)).toEqual(expected);

    const stranger = await connect('stranger');
    await stranger.send(xml('presence'));
    await stranger.send(xml('presence', { type: 'subscribe', to: 'rich@localhost', id: 'sub-in' }));
    const inError = await stranger.waitFor((s) => s.is('presence') && s.attrs.type === 'error' && s.attrs.id === 'sub-in', 5000, 'the error for the subscribe');
    expect(errorOf(inError)).toEqual(expected);
    expect(await server.server.context.stores.rosters.getItem('rich', 'newcomer@localhost')).toBeUndefined();
    expect(await server.server.context.stores.rosters.getItem('rich', 'stranger@localhost')).toBeUndefined();
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  });

  test('one roster item cannot be as big as a stanza: name and groups hold at most 4096 characters', async () => {
    await honest.baseline();
    const stranger = await connect('stranger', 'groups');
    const groups = Array.from({ length: 5 }, (_, n) => xml('group', {}, `${n}`.repeat(1000)));
    const set = xml('iq', { type: 'set' }, xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid: 'big@localhost', name: 'Big' }, ...groups)));
    expect(await failure(stranger, set)).toMatchObject({
      condition: 'not-acceptable',
      text: 'the name and groups of an item may hold at most 4096 characters in all (got 5003)',
    });
    expect(await server.server.context.stores.rosters.getItem('stranger', 'big@localhost')).toBeUndefined();
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  });
});

describe('blocklist size', () => {
  const blockItems = (...jids: string[]) => xml('iq', { type: 'set' }, xml('block', { xmlns: 'urn:xmpp:blocking' }, ...jids.map((jid) => xml('item', { jid }))));

  test('fetching a blocklist at its limit over and over does not stall other users', async () => {
    const limit = server.server.context.limits.blocklistItemsPerUser;
    const blocker = await RawSession.login(server, 'blocker', 'blocker-secret');
    expect((await blocker.iq('get', "<blocklist xmlns='urn:xmpp:blocking'/>")).items).toBe(limit);
    baselineMs = await honest.baseline();
    const ratio = await ratioDuring(10, async () => {
      expect((await blocker.iq('get', "<blocklist xmlns='urn:xmpp:blocking'/>")).items).toBe(limit);
    });
    expect(ratio).toBeLessThan(MAX_HONEST_SLOWDOWN);
    await blocker.dispose();
  }, 120000);

  test('a full blocklist refuses more JIDs, naming limits.blocklistItemsPerUser, and keeps blocking what it holds', async () => {
    const limit = server.server.context.limits.blocklistItemsPerUser;
    await honest.baseline();
    const blocker = await connect('blocker', 'small');
    expect(await failure(blocker, blockItems('one-more@spam.example', 'spammer-0@spam.example'))).toEqual({
      condition: 'resource-constraint',
      type: 'cancel',
      text: `blocking 1 more JIDs would take the blocklist past its limit (it holds ${limit}) (limits.blocklistItemsPerUser is ${limit})`,
      application: undefined,
    });
    // JIDs already on the list take no room: blocking them again is fine.
    await blocker.iq(blockItems('spammer-1@spam.example'));
    expect((await server.server.context.stores.blocklists.list('blocker')).length).toBe(limit);
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  });
});

describe('vCard size', () => {
  test('a vCard over limits.maxVCardBytes is refused with not-acceptable and the old one stays', async () => {
    await honest.baseline();
    const carder = await connect('carder');
    await carder.iq(xml('iq', { type: 'set' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, 'Carder'))));
    const photo = xml('PHOTO', {}, xml('TYPE', {}, 'image/png'), xml('BINVAL', {}, 'A'.repeat(200 * 1024)));
    const refused = await failure(carder, xml('iq', { type: 'set' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, 'Carder'), photo)));
    expect(refused).toMatchObject({ condition: 'not-acceptable', type: 'cancel' });
    expect(refused.text).toMatch(/^this vCard has \d+ bytes, more than an account may store \(limits\.maxVCardBytes is 196608\)$/);
    const stored = await carder.iq(xml('iq', { type: 'get', to: 'carder@localhost' }, xml('vCard', { xmlns: 'vcard-temp' })));
    expect(stored.getChild('vCard', 'vcard-temp')?.getChildText('FN')).toBe('Carder');
    expect(stored.getChild('vCard', 'vcard-temp')?.getChild('PHOTO')).toBeUndefined();
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  });
});

describe('PEP', () => {
  const publish = (node: string, artist: string) =>
    xml('iq', { type: 'set' }, xml('pubsub', { xmlns: PUBSUB }, xml('publish', { node }, xml('item', {}, xml('tune', { xmlns: 'http://jabber.org/protocol/tune' }, xml('artist', {}, artist))))));

  test('nodes past limits.pepNodesPerUser and payloads past limits.maxPepItemBytes are refused, naming the limit', async () => {
    const { pepNodesPerUser, maxPepItemBytes } = server.server.context.limits;
    await honest.baseline();
    const publisher = await connect('publisher');
    for (let n = 0; n < pepNodesPerUser; n++) await publisher.iq(publish(`urn:example:node-${n}`, 'someone'));
    expect(await failure(publisher, publish('urn:example:one-too-many', 'someone'))).toEqual({
      condition: 'resource-constraint',
      type: 'cancel',
      text: `this account already has as many PEP nodes as it may (limits.pepNodesPerUser is ${pepNodesPerUser})`,
      application: undefined,
    });
    // An existing node takes new items whatever the node count.
    await publisher.iq(publish('urn:example:node-0', 'someone else'));

    const tooBig = await failure(publisher, publish('urn:example:node-1', 'x'.repeat(maxPepItemBytes)));
    expect(tooBig).toMatchObject({ condition: 'not-acceptable', type: 'cancel' });
    expect(tooBig.text).toMatch(new RegExp(`^this PEP payload has \\d+ bytes, more than an item may hold \\(limits\\.maxPepItemBytes is ${maxPepItemBytes}\\)$`));
    expect(tooBig.application?.is('payload-too-big', 'http://jabber.org/protocol/pubsub#errors')).toBe(true);
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  });
});
