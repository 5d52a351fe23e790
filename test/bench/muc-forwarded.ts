/**
 * Group chat through forwarding: two node processes on Redis and PostgreSQL, `--occupants`
 * clients in one room, all on the node that is not senior, so every message goes to the senior
 * and back. One of them sends `--messages` groupchat messages as fast as it can; timed until
 * every occupant has every one. Run for a temporary room and a persistent one (history and
 * archive in SQL).
 *
 *   npx tsx test/bench/muc-forwarded.ts [--occupants 10] [--messages 500]
 */
import { parseArgs } from 'node:util';
import type { Element } from 'ltx';
import { createRoom, eventually, groupchat, join, type TestClient } from '../../server-core/testing';
import { online, stopAll } from '../cluster/cluster-steps';
import { TestCluster } from '../support/cluster-harness';

// The nodes' certificates are self-signed.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const { values } = parseArgs({ options: { occupants: { type: 'string', default: '10' }, messages: { type: 'string', default: '500' } } });
const occupants = Number(values.occupants);
const messages = Number(values.messages);

async function run(persistent: boolean): Promise<void> {
  const cluster = new TestCluster();
  const clients: TestClient[] = [];
  try {
    const nodes = await cluster.start('a', 'b');
    const users = Array.from({ length: occupants }, (_, i) => `u${i}`);
    await cluster.createUsers(...users);
    await eventually('a senior', () => nodes.some((n) => n.logs.some((l) => l.event === 'markedSenior')), 20000);
    const senior = nodes.find((n) => n.logs.some((l) => l.event === 'markedSenior'))!;
    const forwarding = nodes.find((n) => n !== senior)!;
    for (const user of users) clients.push(await online(forwarding, user, 'bench'));
    const room = 'bench@conference.localhost';
    await createRoom(clients[0]!, room, 'u0', persistent ? { persistentroom: '1' } : {});
    for (const [i, client] of clients.entries()) if (i > 0) await join(client, room, `u${i}`);
    const counts = clients.map(() => 0);
    clients.forEach((client, i) =>
      client.raw.on('stanza', (s: Element) => {
        if (s.is('message') && s.attrs.type === 'groupchat' && String(s.attrs.id).startsWith('b-')) counts[i]! += 1;
      }),
    );
    const started = performance.now();
    for (let n = 0; n < messages; n++) await clients[0]!.send(groupchat(room, `message ${n}`, `b-${n}`));
    await eventually('every occupant has every message', () => counts.every((c) => c >= messages), 120000);
    const seconds = (performance.now() - started) / 1000;
    console.log(`forwarded, ${persistent ? 'persistent' : 'temporary '} room, ${occupants} occupants: ${messages} messages in ${seconds.toFixed(2)} s = ${(messages / seconds).toFixed(0)} messages/s, ${((messages * occupants) / seconds).toFixed(0)} deliveries/s`);
  } finally {
    await stopAll(clients);
    await cluster.stop();
  }
}

void (async () => {
  await run(false);
  await run(true);
})();
