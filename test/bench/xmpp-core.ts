/**
 * B4, XMPP core: N concurrent authenticated idle sessions with 18-contact rosters, logins per
 * second, memory per session (server RSS growth / N), one-to-one message latency p50/p99 —
 * for our server and, side by side in the same run, Prosody when it is installed.
 *
 *   npm run bench -- [--sessions 10000] [--concurrency 200] [--messages 2000] [--burst 0] [--sm] [--no-prosody]
 *
 * `--sm`: the clients enable XEP-0198 stream management and answer the server's acknowledgement
 * requests (the cost of acks per message); `--burst N`: N more messages unpaced, for throughput.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStorage } from '../../server-core/src/storage';
import { freePort, startServerProcess, type ServerProcess } from './server-process';
import { printResults, runCoreLoad, type LoadOptions, type LoadResult } from './core-load';
import { PROSODY_BINARY, provisionProsody, startProsody } from './prosody-target';

const CONTACTS = 18;
const DOMAIN = 'localhost';

const account = (i: number) => ({ username: `u${i}`, password: `p${i}` });
/** Ring neighbours: account i is a mutual contact of the 9 accounts on each side. */
const contactsOf = (sessions: number) => (i: number) => {
  const out: number[] = [];
  for (let k = 1; k <= CONTACTS / 2; k++) out.push((i + k) % sessions, (i - k + sessions) % sessions);
  return out;
};

async function provisionOurs(file: string, sessions: number): Promise<void> {
  const { db, stores } = await openStorage({ kind: 'sqlite', file }, { scramIterations: 4096 });
  const contacts = contactsOf(sessions);
  for (let i = 0; i < sessions; i++) await stores.accounts.create(account(i).username, account(i).password);
  for (let i = 0; i < sessions; i++) {
    for (const j of contacts(i)) {
      await stores.rosters.put(account(i).username, { jid: `${account(j).username}@${DOMAIN}`, name: null, subscription: 'both', askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
    }
  }
  await db.close();
}

async function measure(name: string, start: () => Promise<{ server: ServerProcess; port: number }>, options: LoadOptions): Promise<LoadResult> {
  const { server, port } = await start();
  try {
    return await runCoreLoad({ name, port, domain: DOMAIN, rssBytes: server.rssBytes, cpuSeconds: server.cpuSeconds }, options);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '200' },
      messages: { type: 'string', default: '2000' },
      burst: { type: 'string', default: '0' },
      sm: { type: 'boolean', default: false },
      'no-prosody': { type: 'boolean', default: false },
      // Core modules to turn off (`--disable mam`), to measure what one costs.
      disable: { type: 'string', multiple: true, default: [] },
    },
  });
  const options: LoadOptions = {
    sessions: Number(values.sessions),
    concurrency: Number(values.concurrency),
    messages: Number(values.messages),
    account,
    streamManagement: values.sm,
    burst: Number(values.burst),
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-bench-'));
  const results: LoadResult[] = [];
  try {
    const dbFile = path.join(dir, 'bench.sqlite');
    const t0 = Date.now();
    await provisionOurs(dbFile, options.sessions);
    console.log(`provisioned ${options.sessions} accounts with ${CONTACTS}-contact rosters in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const variant = [values.sm ? '(XEP-0198)' : '', values.disable.length > 0 ? `without ${values.disable.join(', ')}` : ''].filter(Boolean).join(' ');
    results.push(
      await measure(variant ? `Asterisk-IM ${variant}` : 'Asterisk-IM', async () => {
        const port = await freePort();
        const config = path.join(dir, 'config.json');
        fs.writeFileSync(
          config,
          JSON.stringify({
            domain: DOMAIN,
            dataDir: dir,
            storage: { kind: 'sqlite', file: dbFile },
            listeners: { c2s: { host: '127.0.0.1', port, requireTls: false }, c2sDirectTls: false, websocket: false, admin: false },
            auth: { allowPlainWithoutTls: true, loginFailureDelayMs: 0 },
            // Every simulated user connects from 127.0.0.1.
            limits: { idleTimeoutMs: 3600000, keepaliveIntervalMs: 3600000, loginAttemptsPerMinute: 0, connectionsPerAddress: 0, unauthenticatedPerAddress: 0 },
            log: { level: 'warn' },
            modules: Object.fromEntries(values.disable.map((name) => [name, { enabled: false }])),
          }),
        );
        return { server: await startServerProcess(config, /^ready/m), port };
      }, options),
    );
    if (!values['no-prosody'] && fs.existsSync(PROSODY_BINARY)) {
      const prosodyDir = path.join(dir, 'prosody');
      provisionProsody(prosodyDir, DOMAIN, options.sessions, contactsOf(options.sessions), account);
      results.push(
        await measure('Prosody 0.12', async () => {
          const port = await freePort();
          return { server: await startProsody(prosodyDir, DOMAIN, port), port };
        }, options),
      );
    } else if (!values['no-prosody']) {
      console.log(`(${PROSODY_BINARY} not found: install Debian's prosody package for the side-by-side figures)`);
    }
    printResults(results, options.messages);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
