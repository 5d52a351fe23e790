/**
 * kill -9 of the node that is handing a user's offline messages over: the user logs in again
 * on another node and gets every message. A message may come twice (written before the crash,
 * removed after it would have been), never not at all.
 */
import type { Element } from 'ltx';
import { openStorage } from '../../server-core/src/storage';
import { TEST_POSTGRES_URL } from '../../server-core/testing/databases';
import { eventually } from '../../server-core/testing/eventually';
import { TestCluster } from '../support/cluster-harness';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';

const MESSAGES = 300;
const BODY_BYTES = 50 * 1024;

async function countReaches(count: () => Promise<number>, expected: number, timeoutMs = 10_000): Promise<number> {
  await eventually(`the count reaches ${expected}`, async () => (await count()) === expected, { timeoutMs, intervalMs: 50 });
  return count();
}

const tagOf = (stanza: Element): string | undefined => (stanza.is('message') ? stanza.getChildText('body')?.split(' ')[0] : undefined);

describe('offline delivery survives the crash of the node delivering it', () => {
  const cluster = new TestCluster({ config: { limits: { offlineMessagesPerUser: 1000 } } });
  const clients: TestClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await cluster.stop();
  });

  const withStores = async <T>(work: (stores: Awaited<ReturnType<typeof openStorage>>['stores']) => Promise<T>): Promise<T> => {
    const { db, stores } = await openStorage({ kind: 'postgres', url: TEST_POSTGRES_URL, schema: cluster.schema, poolSize: 2 }, { scramIterations: 1024 });
    try {
      return await work(stores);
    } finally {
      await db.close();
    }
  };

  it('every stored message arrives after node a is SIGKILLed mid-delivery and alice logs in on node b', async () => {
    const [a, b] = await cluster.start('a', 'b');
    await cluster.createUsers('alice', 'bob');
    await withStores(async (stores) => {
      for (let n = 0; n < MESSAGES; n++) {
        const stanza = `<message xmlns='jabber:client' from='bob@localhost/pc' to='alice@localhost' type='chat' id='m-${n}'><body>m-${n} ${'x'.repeat(BODY_BYTES)}</body></message>`;
        expect(await stores.offline.push('alice', stanza, { messages: 10_000, bytes: 1 << 30 })).toEqual({ stored: true });
      }
    });

    const first = await connectClient(a, { username: 'alice', password: 'alice-secret', resource: 'first' });
    clients.push(first);
    const disconnected = new Promise<void>((resolve) => first.raw.on('disconnect', () => resolve()));
    let killed = false;
    first.raw.on('stanza', (stanza: Element) => {
      if (killed || !tagOf(stanza)) return;
      killed = true;
      a.signal('SIGKILL');
    });
    await first.send(xml('presence'));
    await a.exited;
    await disconnected;
    const fromA = first.received.map(tagOf).filter((tag): tag is string => tag !== undefined);

    const second = await connectClient(b, { username: 'alice', password: 'alice-secret', resource: 'second' });
    clients.push(second);
    const seen = new Set(fromA);
    const allSeen = new Promise<void>((resolve) => {
      if (seen.size === MESSAGES) resolve();
      second.raw.on('stanza', (stanza: Element) => {
        const tag = tagOf(stanza);
        if (tag) seen.add(tag);
        if (seen.size === MESSAGES) resolve();
      });
    });
    await second.send(xml('presence'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allSeen, new Promise<void>((resolve) => (timer = setTimeout(resolve, 60_000)))]);
    clearTimeout(timer);
    const fromB = second.received.map(tagOf).filter((tag): tag is string => tag !== undefined);

    const duplicates = fromA.length + fromB.length - seen.size;
    console.log(`offline delivery, kill -9 mid-way: ${fromA.length} messages arrived from node a before it died, ${fromB.length} from node b; ${seen.size} of ${MESSAGES} distinct, ${duplicates} duplicates`);
    expect(fromA.length).toBeLessThan(MESSAGES); // node a really died part way
    expect(seen.size).toBe(MESSAGES);
    expect(new Set(fromB).size).toBe(fromB.length); // node b hands each remaining message over once
    // The last batch leaves the store once its write completed, a moment after the client read it.
    expect(await withStores((stores) => countReaches(() => stores.offline.count('alice'), 0))).toBe(0);
  }, 180_000);
});
