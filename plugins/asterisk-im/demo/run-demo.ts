/**
 * `npm run demo`: one node with embedded defaults in a temporary folder (AIM_DEMO_DATA to choose), the AMI simulator with four
 * phones, four users with their phones mapped, and the demo office scenario playing in a loop.
 * Bob, Carol and Dave are logged in by the demo itself; log in as Alice with any XMPP client and
 * watch their presence follow the calls. Ctrl-C stops everything.
 * AIM_DEMO_FREE_PORTS=1 takes free ports instead of 5222/5280/9090/5038 (tests).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startAmiSimulator, type AmiSimulator } from '@asterisk-im/fixtures/ami-sim';
import { parseConfig, createLogger, startServer, type RunningServer } from '@asterisk-im/server-core/testing';
import { DEMO_USERS, demoPluginConfig, seedOffice } from './demo-office';
import { logInContacts, type SimulatedContacts } from './simulated-contacts';

const REPO = path.resolve(__dirname, '../../..');
const SIM_CONFIG = path.join(REPO, 'fixtures/ami-sim/demo-config.json');
const SCENARIO = path.join(REPO, 'fixtures/scenarios/demo.json');
/** Outside the repository, so a demo never leaves files in the working tree; kept across runs. */
const DATA_DIR = path.resolve(process.env.AIM_DEMO_DATA ?? path.join(os.tmpdir(), 'asterisk-im-demo'));
const DOMAIN = 'localhost';
/** The user a person logs in as; the demo keeps the others online. */
const YOU = DEMO_USERS[0]!;
const CONTACTS = DEMO_USERS.filter((user) => user !== YOU);

/** The port when it is free, otherwise any free port (another server may be running). */
function preferredPort(port: number): Promise<number> {
  if (process.env.AIM_DEMO_FREE_PORTS === '1') return Promise.resolve(0);
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}

interface SimulatorConfig {
  version?: string;
  users: Array<{ username: string; secret: string; read: string[]; write: string[] }>;
  endpoints: string[];
  queues?: Array<{ name: string; members: string[] }>;
}

async function startSimulator(): Promise<AmiSimulator> {
  const config = JSON.parse(fs.readFileSync(SIM_CONFIG, 'utf8')) as SimulatorConfig;
  return startAmiSimulator({ host: '127.0.0.1', port: await preferredPort(5038), version: config.version, users: config.users, endpoints: config.endpoints, queues: config.queues });
}

async function startNode(sim: AmiSimulator, amiUser: SimulatorConfig['users'][number]): Promise<RunningServer> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const config = parseConfig(
    {
      domain: DOMAIN,
      dataDir: DATA_DIR,
      listeners: {
        // Plaintext is allowed because the demo listens on loopback only.
        c2s: { host: '127.0.0.1', port: await preferredPort(5222), requireTls: false },
        c2sDirectTls: false,
        websocket: { host: '127.0.0.1', port: await preferredPort(5280) },
        admin: { host: '127.0.0.1', port: await preferredPort(9090) },
      },
      log: { level: 'warn' },
      plugins: [{ name: 'asterisk-im', config: demoPluginConfig(DOMAIN, { host: sim.host, port: sim.port, username: amiUser.username, secret: amiUser.secret }) }],
    },
    { baseDir: DATA_DIR },
  );
  const logger = createLogger({ level: config.log.level });
  const server = await startServer(config, { logger });
  await seedOffice(server.context.stores, DOMAIN);
  return server;
}

/** Plays the office scenario until `running()` turns false; a failed round is reported and the next one starts. */
async function playScenario(sim: AmiSimulator, running: () => boolean): Promise<void> {
  let round = 0;
  while (running()) {
    round += 1;
    process.stdout.write(`[demo] office scenario, round ${round}\n`);
    try {
      await sim.runScenario(SCENARIO);
    } catch (error) {
      if (!running()) return;
      process.stderr.write(`[demo] round ${round} failed: ${(error as Error).message}\n`);
      await sim.calls.hangupAll();
    }
  }
}

function printWelcome(server: RunningServer, sim: AmiSimulator, contacts: SimulatedContacts): void {
  const { c2s, websocket, admin } = server.addresses;
  const name = (extension: string) => DEMO_USERS.find((user) => user.extension === extension)!.name;
  const lines = [
    '',
    'Asterisk-IM demo is running.',
    `  XMPP (plaintext allowed, loopback only): 127.0.0.1:${c2s?.port}   domain: ${DOMAIN}`,
    websocket ? `  WebSocket: ws://127.0.0.1:${websocket.port}/xmpp-websocket` : '',
    `  AMI simulator: ${sim.host}:${sim.port}`,
    admin ? `  Admin API: http://127.0.0.1:${admin.port}/api/plugins/asterisk-im/status  (token in ${path.join(DATA_DIR, 'admin-token')})` : '',
    '',
    'Log in with any XMPP client (Gajim, Dino, profanity, Spark, ...) as:',
    `  ${YOU.username}@${DOMAIN}  password ${YOU.password}  (your phone: PJSIP/${YOU.extension})`,
    `  server 127.0.0.1, port ${c2s?.port}; allow plaintext (or STARTTLS with the self-signed certificate).`,
    `Online already, logged in by the demo: ${contacts.usernames.map((user) => `${user}@${DOMAIN}`).join(', ')} (all in your roster).`,
    '',
    'What to watch (the office scenario repeats about every 40 s):',
    `  after ~3 s   ${name('1002')} turns away, "On the phone" (your own phone called theirs)`,
    `  after ~10 s  ${name('1004')} answers an outside call and is "On the phone" too`,
    `  after ~17 s  ${name('1002')} is back to "At my desk"; ${name('1004')} transfers the outside caller to you`,
    `  after ~28 s  someone in the support queue answers a customer; after ~33 s ${name('1003')} rings ${name('1002')}, who does not answer`,
    'Spark-style clients also get phone events and can dial (phone.localhost). Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.filter((line, i, all) => line !== '' || all[i - 1] !== '').join('\n') + '\n');
}

async function main(): Promise<void> {
  const sim = await startSimulator();
  const config = JSON.parse(fs.readFileSync(SIM_CONFIG, 'utf8')) as SimulatorConfig;
  let server: RunningServer;
  let contacts: SimulatedContacts;
  try {
    server = await startNode(sim, config.users[0]!);
  } catch (error) {
    await sim.stop();
    throw error;
  }
  try {
    contacts = await logInContacts(`ws://127.0.0.1:${server.addresses.websocket!.port}/xmpp-websocket`, DOMAIN, CONTACTS);
  } catch (error) {
    await server.stop();
    await sim.stop();
    throw error;
  }
  printWelcome(server, sim, contacts);

  let running = true;
  // Not awaited at stop: a scenario waiting on the simulator's timers never resumes once it stopped.
  void playScenario(sim, () => running);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.stdout.write('\n[demo] stopping...\n');
      running = false;
      await sim.calls.hangupAll().catch(() => undefined);
      await contacts.stop();
      await server.stop();
      await sim.stop();
      process.stdout.write('[demo] stopped.\n');
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0), () => process.exit(1)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0), () => process.exit(1)));
}

main().catch((error: unknown) => {
  process.stderr.write(`[demo] could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
