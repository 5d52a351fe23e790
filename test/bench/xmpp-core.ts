/**
 * B4, XMPP core: N concurrent authenticated idle sessions with 18-contact rosters, logins per
 * second, memory per session (server RSS growth / N), one-to-one message latency p50/p99.
 *
 *   npx tsx test/bench/xmpp-core.ts [--sessions 10000] [--concurrency 200] [--messages 2000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStorage } from '../../server-core/src/storage';
import { BenchClient } from './bench-client';
import { freePort, percentile, startServerProcess } from './server-process';

const CONTACTS = 18;

async function provision(file: string, sessions: number): Promise<void> {
  const { db, stores } = await openStorage({ kind: 'sqlite', file }, { scramIterations: 4096 });
  for (let i = 0; i < sessions; i++) await stores.accounts.create(`u${i}`, `p${i}`);
  for (let i = 0; i < sessions; i++) {
    for (let k = 1; k <= CONTACTS / 2; k++) {
      const j = (i + k) % sessions;
      const item = (jid: string) => ({ jid, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
      await stores.rosters.put(`u${i}`, item(`u${j}@localhost`));
      await stores.rosters.put(`u${j}`, item(`u${i}@localhost`));
    }
  }
  await db.close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sessions: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '200' }, messages: { type: 'string', default: '2000' } } });
  const sessions = Number(values.sessions);
  const concurrency = Number(values.concurrency);
  const messages = Number(values.messages);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-bench-'));
  const dbFile = path.join(dir, 'bench.sqlite');
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({
      domain: 'localhost',
      dataDir: dir,
      storage: { kind: 'sqlite', file: dbFile },
      listeners: { c2s: { host: '127.0.0.1', port, requireTls: false }, c2sDirectTls: false, websocket: false, admin: false },
      auth: { allowPlainWithoutTls: true, loginFailureDelayMs: 0 },
      limits: { idleTimeoutMs: 3600000, keepaliveIntervalMs: 3600000 },
      log: { level: 'warn' },
    }),
  );
  const t0 = Date.now();
  await provision(dbFile, sessions);
  console.log(`provisioned ${sessions} accounts with ${CONTACTS}-contact rosters in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const server = await startServerProcess(path.join(dir, "config.json"), /^ready/m);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const baseline = server.rssBytes();
    const cpu0 = server.cpuSeconds();
    const benchCpu0 = process.cpuUsage();
    const clients: BenchClient[] = [];
    const loginStart = Date.now();
    for (let i = 0; i < sessions; i += concurrency) {
      const batch = [];
      for (let k = i; k < Math.min(sessions, i + concurrency); k++) {
        const client = new BenchClient({ port, domain: 'localhost', username: `u${k}`, password: `p${k}`, resource: 'bench' });
        clients.push(client);
        batch.push(client.login().then(() => client.available()));
      }
      await Promise.all(batch);
    }
    const loginSeconds = (Date.now() - loginStart) / 1000;
    await new Promise((r) => setTimeout(r, 3000));
    if (global.gc) global.gc();
    const rss = server.rssBytes();
    const serverCpu = server.cpuSeconds() - cpu0;
    const benchCpu = process.cpuUsage(benchCpu0);
    console.log(`sessions: ${sessions} online; logins/s (PLAIN, bind, initial presence with ${CONTACTS}-contact fan-out): ${(sessions / loginSeconds).toFixed(0)}`);
    console.log(`server RSS: baseline ${(baseline / 1048576).toFixed(1)} MiB, with sessions ${(rss / 1048576).toFixed(1)} MiB, per session ${((rss - baseline) / sessions / 1024).toFixed(1)} KiB`);
    console.log(`CPU during logins: server ${serverCpu.toFixed(1)} s, load generator ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} s`);

    // One-to-one latency: messages between contact pairs, paced so the measurement is not a queueing test.
    const latencies: number[] = [];
    const pending = new Map<string, number>();
    for (const client of clients) client.onMessage = (body) => {
      const sent = pending.get(body);
      if (sent !== undefined) {
        latencies.push(Number(process.hrtime.bigint() / 1000n) / 1000 - sent);
        pending.delete(body);
      }
    };
    for (let m = 0; m < messages; m++) {
      const from = clients[(m * 7) % clients.length];
      const to = clients[(m * 7 + 1) % clients.length];
      const body = `m${m}`;
      pending.set(body, Number(process.hrtime.bigint() / 1000n) / 1000);
      from.sendMessage(to.jid, body);
      if (m % 20 === 19) await new Promise((r) => setTimeout(r, 10));
    }
    const deadline = Date.now() + 10000;
    while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    latencies.sort((a, b) => a - b);
    console.log(`message latency over ${latencies.length}/${messages} messages: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms (lost ${pending.size})`);
    for (const client of clients) client.close();
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
