/**
 * Group chat through forwarding: two node processes on Redis and PostgreSQL, `--occupants`
 * clients in one room, all on the node that is not senior, so every message goes to the senior
 * and back. One of them sends `--messages` groupchat messages as fast as it can; timed until
 * every occupant has every one. Run for a temporary room and a persistent one (history and
 * archive in SQL). Also prints the CPU time the node processes spent per message (user + system,
 * from /proc), which a busy machine disturbs less than the wall-clock rate.
 *
 *   npx tsx test/bench/muc-forwarded.ts [--occupants 10] [--messages 500]
 */
import fs from 'node:fs';
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
    const cpuBefore = nodes.map((n) => cpuMs(n.child.pid!));
    const started = performance.now();
    for (let n = 0; n < messages; n++) await clients[0]!.send(groupchat(room, `message ${n}`, `b-${n}`));
    await eventually('every occupant has every message', () => counts.every((c) => c >= messages), 120000);
    const seconds = (performance.now() - started) / 1000;
    const cpu = nodes.reduce((sum, n, i) => sum + cpuMs(n.child.pid!) - cpuBefore[i]!, 0);
    console.log(`forwarded, ${persistent ? 'persistent' : 'temporary '} room, ${occupants} occupants: ${messages} messages in ${seconds.toFixed(2)} s = ${(messages / seconds).toFixed(0)} messages/s, ${((messages * occupants) / seconds).toFixed(0)} deliveries/s, ${(cpu / messages).toFixed(2)} ms node CPU per message`);
  } finally {
    await stopAll(clients);
    await cluster.stop();
  }
}

/** User + system CPU of a process in ms (clock ticks of 10 ms, as on every common Linux). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

void (async () => {
  await run(false);
  await run(true);
})();
