/**
 * Randomized fault soak of the phone presence across handovers. Four node processes (a and b
 * hold no clients, c and d hold the phone users and two watchers, every phone user a contact
 * of both), a private Redis, the AMI simulator; phone users take calls one after the other
 * (some set a status during the call, which must be trapped) while faults strike at random:
 * the senior SIGKILLed (and restarted), the senior SIGSTOPped past its lease, Redis restarted
 * empty, the AMI link dropped. Everything the watchers and the users received is recorded and
 * checked afterwards against the call timeline (presence-history.ts).
 *
 *   npx tsx test/soak/handover-soak.ts [--minutes 30] [--users 12] [--seed 1] [--logs nodes.jsonl]
 */
import type { Element } from 'ltx';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PrivateRedisServer } from '../../server-core/testing/redis';
import { AMI_USER, PhoneCluster } from '../asterisk-im/phone-cluster';
import { isPhonePresence, PHONE_NS } from '../asterisk-im/phone-steps';
import { createPhoneUsers, phoneExtension, phoneUser } from '../bench/asterisk-im-world';
import { online } from '../cluster/cluster-steps';
import type { ClusterNode, LogLine } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { checkHistory, type CallRecord, type SoakHistory, type Verdict } from './presence-history';

export interface SoakOptions {
  durationMs: number;
  users: number;
  seed: number;
  /** Progress lines (faults, counts); default none. */
  log?: (line: string) => void;
  /** Where to write every node's log lines of info level and up (JSON lines), to explain violations. */
  logFile?: string;
}

export interface SoakResult extends Verdict {
  faults: Record<Fault, number>;
  durationMs: number;
}

type Fault = 'kill' | 'stop' | 'redis' | 'ami';
const FAULTS: Fault[] = ['kill', 'stop', 'redis', 'ami'];
const LEASE_MS = 1000;
const SERVICE_NODES = ['a', 'b'];
const CLIENT_NODES = ['c', 'd'];
const WATCHERS = ['w0', 'w1'];
/** Faults stack up (a kill right after a Redis restart); each alone ends within a few seconds. */
const RESTORE_BOUND_MS = 12000;
/** How long a senior woken after a pause past its lease may keep its stale AMI session open. */
const WOKEN_CLOSE_BOUND_MS = 2000;
/**
 * The server closes a stream silent for `limits.idleTimeoutMs` (5 min, docs/configuration.md),
 * as RFC 6120 4.6.1 allows; real clients send whitespace keepalives. Without them a watcher
 * (which only listens) is disconnected after 5 minutes, and so is a phone user once it stops
 * setting statuses (it sets one only when a watcher showed its call).
 */
const CLIENT_KEEPALIVE_MS = 60000;

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Small seeded generator (mulberry32), so a failing run can be replayed with its seed. */
function random(seed: number): (min: number, max: number) => number {
  let state = seed >>> 0;
  return (min, max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return min + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (max - min);
  };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const rand = random(options.seed);
  const users = [...Array(options.users).keys()].map(phoneUser);
  const history: SoakHistory = { users, watchers: WATCHERS, calls: [], presences: [], phoneEvents: [], maxAmiSessions: 0, doubleAmiSessions: [] };
  const faults: Record<Fault, number> = { kill: 0, stop: 0, redis: 0, ami: 0 };
  /** The node under SIGSTOP, if any. */
  let paused: ClusterNode | null = null;
  let stopKeepalive = (): void => undefined;
  /** Set once the history is checked: what happens to the clients afterwards is teardown. */
  let checked = false;
  const redis = await PrivateRedisServer.start();
  let pc: PhoneCluster | undefined;
  const startedAt = now();
  try {
    pc = await PhoneCluster.start({
      nodes: [...SERVICE_NODES, ...CLIENT_NODES],
      leaseMs: LEASE_MS,
      redis: redis.endpoint,
      endpoints: users.map((_, i) => phoneExtension(i)),
      devices: users.map((user, i) => ({ device: `PJSIP/${phoneExtension(i)}`, user: `${user}@localhost`, extension: phoneExtension(i), primary: true })),
    });
    const cluster = pc;
    const sessionsLost: string[] = [];
    await createPhoneUsers(cluster, options.users, WATCHERS);
    const clientNode = (i: number): ClusterNode => cluster.nodes.find((n) => n.id === CLIENT_NODES[i % CLIENT_NODES.length])!;
    const watchers = await Promise.all(WATCHERS.map((w, i) => cluster.online(clientNode(i), w, 'soak')));
    watchers.forEach((client, i) => record(client, (s) => recordPresence(WATCHERS[i]!, s)));
    const phones = await Promise.all(users.map((u, i) => cluster.online(clientNode(i + 1), u, 'soak')));
    phones.forEach((client, i) => record(client, (s) => recordPhoneEvent(users[i]!, s)));
    const keepalive = setInterval(() => {
      for (const client of [...watchers, ...phones]) if (client.raw.status === 'online') client.raw.write(' ').catch(() => undefined);
    }, CLIENT_KEEPALIVE_MS);
    stopKeepalive = () => clearInterval(keepalive);
    for (const client of [...watchers, ...phones]) {
      // A stream error from the server (its condition and text) says why, if it gave a reason.
      let lastError = '';
      client.raw.on('error', (err: Error & { condition?: string; text?: string }) => (lastError = err.condition ? `${err.condition}: ${err.text ?? ''}` : err.message));
      client.raw.on('disconnect', () => {
        // Every client goes when the cluster stops at the end: that is no loss.
        if (checked) return;
        sessionsLost.push(client.jid);
        log(`${Math.round((now() - startedAt) / 1000)} s: ${client.jid} was disconnected${lastError ? ` (${lastError})` : ''}`);
      });
    }
    await cluster.untilTrue(() => users.every((u) => WATCHERS.every((w) => history.presences.some((p) => p.user === u && p.watcher === w))), 'every watcher sees every phone user', 20000);
    history.presences.length = 0;

    const until = startedAt + options.durationMs;
    // Progress lines count seconds from here; violations give the soak's clock in ms.
    log(`clock at start: ${Math.round(startedAt)} ms`);
    const running = () => now() < until;
    // The simulator counts authenticated sessions; this says when two overlapped, and whether a
    // paused senior (whose socket stays open while it cannot run) was one of them.
    const sampler = setInterval(() => {
      if (cluster.sim.loggedInSessions(AMI_USER.username) > 1) history.doubleAmiSessions.push({ at: now(), whileSeniorPaused: paused !== null });
    }, 5);
    const userLoops = phones.map((client, i) => callLoop(cluster, client, i, running));
    await faultLoop(cluster, running);
    await Promise.all(userLoops);
    clearInterval(sampler);
    log('faults over, waiting for every contact to see every phone user back');
    await cluster.untilTrue(() => users.every((u) => WATCHERS.every((w) => !history.presences.filter((p) => p.user === u && p.watcher === w).at(-1)?.phone)), 'every phone user back from the phone', 30000).catch((err: Error) => log(err.message));
    // A disconnected client is a violation already; the markers check the ones still connected.
    const connected = (client: TestClient) => !sessionsLost.includes(client.jid);
    await markers(watchers.filter(connected), phones.filter(connected));
    history.maxAmiSessions = cluster.sim.maxConcurrentSessions(AMI_USER.username);
    checked = true;
    const verdict = checkHistory(history, { restoreBoundMs: RESTORE_BOUND_MS });
    for (const jid of sessionsLost) verdict.violations.push(`${jid} was disconnected`);
    return { ...verdict, faults, durationMs: Math.round(now() - startedAt) };
  } finally {
    stopKeepalive();
    if (pc && options.logFile) writeNodeLogs(pc.nodes, options.logFile);
    await pc?.stop();
    await redis.stop();
  }

  function record(client: TestClient, onStanza: (s: Element) => void): void {
    client.raw.on('stanza', onStanza);
  }

  function recordPresence(watcher: string, s: Element): void {
    if (!s.is('presence') || typeof s.attrs.from !== 'string') return;
    const user = s.attrs.from.split('@')[0]!;
    if (!users.includes(user) || s.attrs.type === 'subscribe' || s.attrs.type === 'subscribed') return;
    history.presences.push({ watcher, user, at: now(), phone: isPhonePresence(s), unavailable: s.attrs.type === 'unavailable', status: s.getChildText('status') });
  }

  function recordPhoneEvent(user: string, s: Element): void {
    const event = s.is('message') ? s.getChild('phone-event', PHONE_NS) : undefined;
    if (event) history.phoneEvents.push({ user, callID: String(event.attrs.callID), type: String(event.attrs.type), at: now() });
  }

  /** One user's calls, one after the other, until the soak's time is up; ends with no call up. */
  async function callLoop(cluster: PhoneCluster, client: TestClient, i: number, running: () => boolean): Promise<void> {
    const user = users[i]!;
    let status: string | null = null;
    let n = 0;
    while (running()) {
      await sleep(rand(300, 2500));
      if (!running()) return;
      const call = await cluster.sim.calls.dial('PJSIP/provider', phoneExtension(i));
      await sleep(rand(100, 800));
      await call.answer();
      const answeredAt = now();
      const callID = call.callee!.uniqueid;
      const endAt = answeredAt + rand(1500, 8000);
      let trapped = false;
      if (rand(0, 1) < 0.6) {
        // Only once a contact shows the call, so the user's node knows it and traps the status.
        const shown = () => history.presences.some((p) => p.user === user && p.phone && p.at >= answeredAt);
        while (!shown() && now() < endAt - 300) await sleep(20);
        if (shown()) {
          status = `${user} busy ${++n}`;
          trapped = true;
          await client.send(xml('presence', {}, xml('show', {}, 'dnd'), xml('status', {}, status)));
        }
      }
      await sleep(Math.max(0, endAt - now()));
      // Its end counts from the moment the hang-up starts: Asterisk reports it before this resolves.
      const endedAt = now();
      await call.hangup('caller');
      const record: CallRecord = { user, callID, answeredAt, endedAt, statusAfter: status, trapped };
      history.calls.push(record);
    }
  }

  async function faultLoop(cluster: PhoneCluster, running: () => boolean): Promise<void> {
    while (running()) {
      await sleep(rand(3000, 7000));
      if (!running()) return;
      const senior = cluster.senior();
      let fault = FAULTS[Math.floor(rand(0, FAULTS.length))]!;
      // Clients live on c and d: those are paused, never killed.
      if (fault === 'kill' && (!senior || !SERVICE_NODES.includes(senior.id))) fault = 'stop';
      if (fault === 'stop' && !senior) fault = 'ami';
      faults[fault] += 1;
      log(`${Math.round((now() - startedAt) / 1000)} s: ${fault}${senior && (fault === 'kill' || fault === 'stop') ? ` ${senior.id}` : ''}; ${history.calls.length} calls so far`);
      if (fault === 'kill') await killAndRestart(cluster, senior!);
      else if (fault === 'stop') await pausePastLease(cluster, senior!);
      else if (fault === 'redis') await restartRedis();
      else cluster.sim.dropAllConnections();
    }
  }

  async function killAndRestart(cluster: PhoneCluster, node: ClusterNode): Promise<void> {
    node.signal('SIGKILL');
    await node.exited;
    await sleep(rand(300, 2000));
    cluster.nodes.push(await cluster.cluster.startNode(node.id));
  }

  async function pausePastLease(cluster: PhoneCluster, node: ClusterNode): Promise<void> {
    paused = node;
    node.signal('SIGSTOP');
    // Past the lease, well within the member timeout (3 heartbeats of 1 s): the node's sessions stay.
    await sleep(LEASE_MS + rand(200, 900));
    node.signal('SIGCONT');
    // Until it ran and closed its link: a woken node notices at once that it is no longer senior,
    // so the simulator soon sees one AMI session again. Past the bound the overlap is the node's
    // fault, no longer the pause's, and the sampler reports it as such.
    const wokenAt = now();
    while (cluster.sim.loggedInSessions(AMI_USER.username) > 1 && now() - wokenAt < WOKEN_CLOSE_BOUND_MS) await sleep(10);
    paused = null;
  }

  async function restartRedis(): Promise<void> {
    await redis.stop();
    await sleep(rand(0, 1500));
    await redis.restart();
  }
}

/** Log levels 30 and up (pino's info, warn, error, fatal) of every node process the soak started, in time order. */
function writeNodeLogs(nodes: ClusterNode[], file: string): void {
  const lines: LogLine[] = nodes.flatMap((node, process) => node.logs.filter((l) => Number(l.level) >= 30).map((l) => ({ soakNode: node.id, soakProcess: process, ...l })));
  lines.sort((a, b) => Number(a.time ?? 0) - Number(b.time ?? 0));
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

/** A message from every phone user to every watcher and back: all they sent each other before is in. */
async function markers(watchers: TestClient[], phones: TestClient[]): Promise<void> {
  const body = (from: TestClient, to: TestClient) => `marker ${from.jid} ${to.jid}`;
  const pairs = watchers.flatMap((w) => phones.flatMap((p) => [[w, p], [p, w]] as const));
  await Promise.all(pairs.map(([from, to]) => from.send(xml('message', { to: to.jid, type: 'chat' }, xml('body', {}, body(from, to))))));
  await Promise.all(pairs.map(([from, to]) => to.waitFor((s) => s.is('message') && s.getChildText('body') === body(from, to), 15000, `the marker from ${from.jid}`)));
}

async function main(): Promise<void> {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, users: { type: 'string', default: '12' }, seed: { type: 'string', default: String(Date.now() % 100000) }, logs: { type: 'string' } } });
  const options = { durationMs: Number(values.minutes) * 60000, users: Number(values.users), seed: Number(values.seed) };
  console.log(`handover soak: ${values.minutes} min, ${options.users} phone users, seed ${options.seed}`);
  const result = await runSoak({ ...options, logFile: values.logs, log: (line) => console.log(line) });
  console.log(JSON.stringify({ durationMs: result.durationMs, faults: result.faults, counts: result.counts, violations: result.violations.length }, null, 2));
  for (const violation of result.violations) console.log(`VIOLATION ${violation}`);
  process.exitCode = result.violations.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    () => process.exit(),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
