/**
 * Group chat fan-out on one node (SQLite): `--occupants` clients in one room, one of them sends
 * `--messages` groupchat messages as fast as it can; timed until every occupant has every one.
 * Run for a persistent room (history and archive written to SQL) and a temporary one.
 *
 *   npx tsx test/bench/muc-fanout.ts [--occupants 10] [--messages 500]
 */
import { parseArgs } from 'node:util';
import { connectClient, createRoom, eventually, groupchat, join, startNode, xml, type TestClient } from '../../server-core/testing';

// The test node's certificate is self-signed.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const { values } = parseArgs({ options: { occupants: { type: 'string', default: '10' }, messages: { type: 'string', default: '500' } } });
const occupants = Number(values.occupants);
const messages = Number(values.messages);

async function run(persistent: boolean): Promise<void> {
  const node = await startNode({ config: { log: { level: 'warn' } } });
  const clients: TestClient[] = [];
  try {
    for (let i = 0; i < occupants; i++) {
      await node.createUser(`u${i}`, 'pw');
      const client = await connectClient(node, { username: `u${i}`, password: 'pw', resource: 'bench' });
      await client.send(xml('presence'));
      clients.push(client);
    }
    const room = `bench@conference.${node.domain}`;
    await createRoom(clients[0]!, room, 'u0', persistent ? { persistentroom: '1' } : {});
    for (const [i, client] of clients.entries()) if (i > 0) await join(client, room, `u${i}`);
    const counts = clients.map(() => 0);
    clients.forEach((client, i) => client.raw.on('stanza', (s: { is(n: string): boolean; attrs: Record<string, string> }) => {
      if (s.is('message') && s.attrs.type === 'groupchat' && String(s.attrs.id).startsWith('b-')) counts[i]! += 1;
    }));
    const started = performance.now();
    for (let n = 0; n < messages; n++) await clients[0]!.send(groupchat(room, `message ${n}`, `b-${n}`));
    await eventually('every occupant has every message', () => counts.every((c) => c >= messages), 120000);
    const seconds = (performance.now() - started) / 1000;
    console.log(`${persistent ? 'persistent' : 'temporary '} room, ${occupants} occupants: ${messages} messages in ${seconds.toFixed(2)} s = ${(messages / seconds).toFixed(0)} messages/s, ${((messages * occupants) / seconds).toFixed(0)} deliveries/s`);
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await node.stop();
  }
}

void (async () => {
  await run(false);
  await run(true);
})();
