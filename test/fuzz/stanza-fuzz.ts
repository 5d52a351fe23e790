/**
 * Stanza fuzzing, run by hand (not a test, not in CI):
 *
 *   npx tsx test/fuzz/stanza-fuzz.ts [--count 1000000] [--duration 3600] [--workers 8] [--seed 1]
 *
 * Starts a node in this process, signs in real sessions and sends mutations of valid stanzas
 * (byte flips, truncation, unbound and odd prefixes and namespace declarations, huge and
 * duplicate attributes, deep nesting, invalid UTF-8, entities, restricted XML), each cut into
 * random pieces written separately over TCP, signing in again whenever a stream is closed.
 * After each batch a ping shows whether the stream is still up. It stops after `count`
 * stanzas or `duration` seconds and reports crashes, unhandled errors, error log lines and the
 * node's memory (after garbage collection) at the start, middle and end. Exits 1 on any
 * crash or unhandled error.
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../server-core/src/log';
import { startTestServer, type TestServer } from '../support/server-harness';
import { HonestClient, type RawStream } from '../attacks/attack-kit';
import { RAW_SIGN_IN_CONFIG, rawSession } from '../attacks/raw-session';
import { MiB, settledHeap } from '../attacks/heap';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const COUNT = option('count', 1_000_000);
const DURATION_S = option('duration', 3600);
const WORKERS = option('workers', 8);
/** Share of stanzas that get a hostile mutation; each of those usually costs a new sign-in. */
const HOSTILE_SHARE = option('hostile', 0.05);
/** Survivable stanzas written before a ping waits for the server. */
const BATCH = option('batch', 20);
let seed = option('seed', 1) >>> 0;

/** A small seeded generator (mulberry32), so that a run can be repeated. */
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

/** Valid stanzas to mutate; the storage-bound ones (offline message, vCard set) are repeated less. */
const BASES: ReadonlyArray<(n: number) => string> = [
  (n) => `<message to='sink@localhost/sink' type='chat' id='m${n}'><body>hello ${n} \u2713</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>`,
  (n) => `<message to='sink@localhost/sink' id='x${n}' xmlns:e='urn:fuzz:ext'><body>ext</body><e:x e:a='1'>payload</e:x></message>`,
  (n) => `<presence id='p${n}'><show>away</show><status>fuzzing</status><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='urn:fuzz' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>`,
  (n) => `<iq type='get' id='d${n}' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
  (n) => `<iq type='get' id='r${n}'><query xmlns='jabber:iq:roster'/></iq>`,
  (n) => `<iq type='get' id='v${n}' to='sink@localhost'><vCard xmlns='vcard-temp'/></iq>`,
];
const STORED: ReadonlyArray<(n: number) => string> = [
  (n) => `<message to='offline@localhost' type='chat' id='o${n}'><body>for later ${n}</body></message>`,
  (n) => `<iq type='set' id='s${n}'><vCard xmlns='vcard-temp'><FN>Fuzz ${n}</FN><NOTE>x</NOTE></vCard></iq>`,
];

interface Mutated {
  bytes: Buffer;
  /** Meant to end the stream (the server must refuse it); survivable mutations stay well-formed. */
  hostile: boolean;
  /** Leaves the stream unusable whatever the server does: `</stream:stream>` follows it. */
  ends: boolean;
  kind: string;
}

const BAD_DECLARATIONS = [
  " xmlns:x=''",
  " xmlns:xml='urn:not-xml'",
  " xmlns:xmlns='urn:x'",
  " xmlns:a='urn:u' xmlns:b='urn:u' a:k='1' b:k='2'",
  " a:b:c='1'",
  " zz:attr='1'",
  " xmlns:x='http://www.w3.org/2000/xmlns/'",
  ' id="dup" id="dup"',
];
const BAD_INSERTS = ['<zz:b/>', '<a:b:c/>', '<:x/>', '<x:/>', '<xmlns:x/>', '&bogus;', '&#0;', '&#xD800;', '<!--c-->', '<?pi x?>', '<!DOCTYPE x>', ']]>', '\u0000', '\uFFFE', '<', '&', '</x>'];
const GOOD_INSERTS = ["<ok:v xmlns:ok='urn:ok' ok:a='1'>v</ok:v>", "<x xmlns='urn:other'><y a='&lt;&amp;'/></x>", '<![CDATA[<not a tag>]]>', "<e:x xmlns:e='urn:fuzz:ext' xml:lang='fr'/>"];
const GOOD_TEXT = ['&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#233;', '&#x1F600;', '\u00e9', '\u2713', '\u{1F600}', '\u4e2d', ' ', '\n', '\t', 'z'];
const BAD_UTF8 = [[0x80], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xfe, 0xff], [0xe2, 0x82]];

function afterFirstTagName(text: string): number {
  const match = /^<[^\s/>]+/.exec(text);
  return match ? match[0].length : 1;
}

function insertAt(text: string, at: number, what: string): string {
  return text.slice(0, at) + what + text.slice(at);
}

/** Anywhere between the end of the first tag and the start of the last: inside tags too. */
function anyInnerPoint(text: string): number {
  const body = text.indexOf('>') + 1;
  return body + int(Math.max(1, text.lastIndexOf('<') - body));
}

/** Just before the stanza's closing tag: content inserted there stays well-formed. */
function beforeClose(text: string): number {
  return text.lastIndexOf('</');
}

/** A point inside character data (between a '>' and the next '<'), or the close when there is none. */
function inText(text: string): number {
  const spans: Array<[number, number]> = [];
  for (const match of text.matchAll(/>([^<]+)</g)) spans.push([match.index! + 1, match[1].length]);
  if (spans.length === 0) return beforeClose(text);
  const [from, length] = pick(spans);
  return from + int(length + 1);
}

function attributes(count: number): string {
  return Array.from({ length: count }, (_, i) => ` a${i}='${i}'`).join('');
}

function nested(depth: number): string {
  return '<d>'.repeat(depth) + '</d>'.repeat(depth);
}

type Mutator = [kind: string, weight: number, apply: (text: string) => Mutated];
const ok = (kind: string, text: string): Mutated => ({ bytes: Buffer.from(text), hostile: false, ends: false, kind });
const bad = (kind: string, bytes: Buffer | string): Mutated => ({ bytes: Buffer.from(bytes), hostile: true, ends: false, kind });

/** Mutations that keep the stanza namespace-well-formed and within every limit. */
const SURVIVABLE: readonly Mutator[] = [
  ['valid', 10, (t) => ok('valid', t)],
  // One insertion point: a second one could fall inside an entity the first inserted.
  ['text', 20, (t) => ok('text', insertAt(t, inText(t), Array.from({ length: 1 + int(4) }, () => pick(GOOD_TEXT)).join('')))],
  ['good-insert', 12, (t) => ok('good-insert', insertAt(t, beforeClose(t), pick(GOOD_INSERTS)))],
  ['good-declaration', 8, (t) => ok('good-declaration', insertAt(t, afterFirstTagName(t), pick([" xmlns:ok='urn:ok' ok:a='1'", " xmlns:unused='urn:unused'", " xml:lang='de'"])))],
  ['deep-within-limit', 6, (t) => ok('deep-within-limit', insertAt(t, beforeClose(t), nested(1 + int(58))))],
  ['attributes-within-limit', 6, (t) => ok('attributes-within-limit', insertAt(t, afterFirstTagName(t), attributes(1 + int(50))))],
  ['big-attribute-within-limit', 1, (t) => ok('big-attribute-within-limit', insertAt(t, afterFirstTagName(t), ` big='${'b'.repeat(1024 + int(64 * 1024))}'`))],
  ['whitespace', 6, (t) => ok('whitespace', ' \n'.repeat(int(200)) + t + '\t'.repeat(int(200)))],
];

/** Mutations the server must refuse (or may, for random flips), ending the stream. */
const HOSTILE: readonly Mutator[] = [
  ['flip', 20, (t) => {
    const bytes = Buffer.from(t);
    for (let i = 0, n = 1 + int(3); i < n; i++) bytes[int(bytes.length)] = int(256);
    return bad('flip', bytes);
  }],
  ['truncate', 8, (t) => ({ ...bad('truncate', Buffer.concat([Buffer.from(t).subarray(0, int(t.length)), Buffer.from('</stream:stream>')])), ends: true })],
  ['bad-declaration', 12, (t) => bad('bad-declaration', insertAt(t, afterFirstTagName(t), pick(BAD_DECLARATIONS)))],
  ['bad-prefix', 8, (t) => bad('bad-prefix', t.replace('<body', pick(['<zz:body', '<a:b:body', '<xml:body', '<xmlns:body', '<stream:body'])))],
  ['bad-insert', 12, (t) => bad('bad-insert', insertAt(t, anyInnerPoint(t), pick(BAD_INSERTS)))],
  ['huge-attribute', 2, (t) => bad('huge-attribute', insertAt(t, afterFirstTagName(t), ` big='${'a'.repeat(300 * 1024 + int(200 * 1024))}'`))],
  ['too-many-attributes', 3, (t) => bad('too-many-attributes', insertAt(t, afterFirstTagName(t), attributes(65 + int(300))))],
  ['too-deep', 5, (t) => bad('too-deep', insertAt(t, beforeClose(t), nested(65 + int(100))))],
  ['invalid-utf8', 8, (t) => {
    const bytes = Buffer.from(t);
    const at = int(bytes.length);
    return bad('invalid-utf8', Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(BAD_UTF8)), bytes.subarray(at)]));
  }],
];

function choose(mutators: readonly Mutator[]): Mutator[2] {
  let roll = int(mutators.reduce((sum, [, weight]) => sum + weight, 0));
  for (const [, weight, apply] of mutators) {
    if (roll < weight) return apply;
    roll -= weight;
  }
  throw new Error('unreachable');
}

function mutate(n: number): Mutated {
  const base = random() < 0.1 ? pick(STORED) : pick(BASES);
  return choose(random() < HOSTILE_SHARE ? HOSTILE : SURVIVABLE)(base(n));
}

/** Writes `bytes` in up to four pieces cut at random byte offsets (UTF-8 characters may be cut too). */
function writeInPieces(raw: RawStream, bytes: Buffer): Promise<void> {
  const cuts = Array.from({ length: int(4) }, () => int(bytes.length)).sort((a, b) => a - b);
  let from = 0;
  let last = Promise.resolve();
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) last = raw.write(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return last;
}

const stats = {
  sent: 0,
  hostile: 0,
  survivableRefused: 0,
  byKind: new Map<string, number>(),
  streams: 0,
  streamErrors: new Map<string, number>(),
  pongs: 0,
  stalls: 0,
  signInFailures: 0,
  errorLines: 0,
  warnLines: 0,
  firstErrors: [] as string[],
  firstWarnings: [] as string[],
  unhandled: [] as string[],
};

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** The node's log: every line at error level or above is a finding. */
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
      if (entry.level >= 50) {
        stats.errorLines += 1;
        if (stats.firstErrors.length < 10) stats.firstErrors.push(`${entry.msg ?? ''} ${entry.err?.message ?? ''}`.trim());
      } else if (entry.level >= 40) {
        stats.warnLines += 1;
        if (stats.firstWarnings.length < 5) stats.firstWarnings.push(entry.msg ?? '');
      }
    }
    done();
  },
});

process.on('uncaughtException', (err) => stats.unhandled.push(`uncaughtException: ${err.stack ?? err}`));
process.on('unhandledRejection', (err) => stats.unhandled.push(`unhandledRejection: ${err instanceof Error ? err.stack : String(err)}`));

type Outcome = 'pong' | 'closed' | 'stall';

async function outcome(raw: RawStream, wait: Promise<void>): Promise<Outcome> {
  return wait.then(
    () => 'pong' as const,
    () => (raw.closed ? ('closed' as const) : ('stall' as const)),
  );
}

function recordStreamError(raw: RawStream): void {
  const match = /<stream:error[^>]*>\s*<([a-z-]+)/.exec(raw.received);
  bump(stats.streamErrors, match ? match[1] : 'closed without error');
}

async function worker(server: TestServer, index: number, until: number): Promise<void> {
  let connection = 0;
  let batchNo = 0;
  while (stats.sent < COUNT && Date.now() < until) {
    let raw: RawStream;
    try {
      raw = await rawSession(server, `fuzz${index}`, 'fuzz-pw', `w${index}-${connection++}`);
    } catch {
      stats.signInFailures += 1;
      continue;
    }
    raw.socket.setNoDelay(true);
    stats.streams += 1;
    while (!raw.closed && stats.sent < COUNT && Date.now() < until) {
      // Survivable stanzas, then at most one hostile one, then a ping: the pong (or the stream
      // error) says the server took the whole batch. A batch that ends a stream without a hostile
      // stanza in it is counted apart: it would be a survivable mutation the server refused.
      batchNo += 1;
      const id = `mk-${index}-${batchNo}`;
      const batch: Mutated[] = [];
      while (batch.length < BATCH && stats.sent + batch.length < COUNT) {
        const mutated = mutate(stats.sent + batch.length);
        batch.push(mutated);
        void writeInPieces(raw, mutated.bytes);
        if (mutated.hostile) break;
      }
      const last = batch[batch.length - 1];
      if (!last.ends) await raw.write(`<iq type='get' id='${id}'><ping xmlns='urn:xmpp:ping'/></iq>`);
      const result = await outcome(raw, last.ends ? raw.whenClosed(3000) : raw.waitForText(`id="${id}"`, 3000));
      for (const mutated of batch) {
        stats.sent += 1;
        bump(stats.byKind, mutated.kind);
        if (mutated.hostile) stats.hostile += 1;
      }
      if (result === 'closed' && !last.hostile) stats.survivableRefused += 1;
      if (result === 'pong') {
        stats.pongs += 1;
        raw.received = '';
      } else if (result === 'stall') {
        // The mutation left the stream inside an element (a cut-off tag, say): the server waits, as it should.
        stats.stalls += 1;
        break;
      }
    }
    if (raw.closed) recordStreamError(raw);
    await raw.dispose();
  }
}

interface Sample {
  at: number;
  sent: number;
  heapMiB: number;
  rssMiB: number;
}

async function sample(startedAt: number): Promise<Sample> {
  const heap = await settledHeap();
  return { at: Math.round((Date.now() - startedAt) / 1000), sent: stats.sent, heapMiB: heap / MiB, rssMiB: process.memoryUsage().rss / MiB };
}

function show(label: string, s: Sample): string {
  return `${label.padEnd(6)} t=${String(s.at).padStart(5)} s  stanzas=${String(s.sent).padStart(8)}  heapUsed=${s.heapMiB.toFixed(1)} MiB  rss=${s.rssMiB.toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  // The honest client signs in over STARTTLS to the node's self-signed certificate.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logger = createLogger({ level: 'warn', destination: logSink });
  const server = await startTestServer({
    logger,
    config: { ...RAW_SIGN_IN_CONFIG, auth: { ...RAW_SIGN_IN_CONFIG.auth, scramIterations: 1024 }, limits: { maxSessionsPerUser: 50 } },
  });
  for (let i = 0; i < WORKERS; i++) await server.createUser(`fuzz${i}`, 'fuzz-pw');
  await server.createUser('sink', 'sink-pw');
  await server.createUser('offline', 'offline-pw');
  await server.createUser('honest', 'honest-pw');
  const sink = await rawSession(server, 'sink', 'sink-pw', 'sink');
  const drain = setInterval(() => (sink.received = ''), 1000);
  const honest = await HonestClient.connect(server, 'honest', 'honest-pw');
  await honest.baseline(5);

  const startedAt = Date.now();
  const until = startedAt + DURATION_S * 1000;
  const samples: Sample[] = [await sample(startedAt)];
  console.log(show('start', samples[0]));
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    void sample(startedAt).then((s) => {
      samples.push(s);
      console.log(show('sample', s));
      sampling = false;
    });
  }, 15000);

  await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(server, i, until)));
  clearInterval(sampler);
  while (sampling) await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = (Date.now() - startedAt) / 1000;
  const end = await sample(startedAt);
  samples.push(end);

  // The node is alive and still serves an honest user, and the sink's session survived it all.
  const ratio = await honest.ratio(5);
  const sinkAlive = !sink.closed;
  clearInterval(drain);
  await honest.stop();
  await sink.dispose();
  await server.stop();

  const middle = samples[Math.floor(samples.length / 2)];
  console.log('');
  console.log(show('start', samples[0]));
  console.log(show('middle', middle));
  console.log(show('end', end));
  console.log(`stanzas taken by the server: ${stats.sent} (${stats.hostile} with hostile mutations) in ${seconds.toFixed(0)} s (${(stats.sent / seconds).toFixed(0)}/s) over ${stats.streams} signed-in streams`);
  console.log(`by mutation: ${[...stats.byKind].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`batches answered by their ping: ${stats.pongs}; stream errors: ${[...stats.streamErrors].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`stalls (stream left waiting inside an element): ${stats.stalls}; sign-in failures: ${stats.signInFailures}; streams closed by a batch without a hostile stanza: ${stats.survivableRefused}`);
  console.log(`error log lines: ${stats.errorLines}; warn log lines: ${stats.warnLines}; unhandled errors: ${stats.unhandled.length}; crashes: 0 (node served the honest client at the end, ping ratio ${ratio.toFixed(2)}; sink session open: ${sinkAlive})`);
  for (const line of stats.firstErrors) console.log(`  error: ${line}`);
  for (const line of stats.firstWarnings) console.log(`  warning: ${line}`);
  for (const line of stats.unhandled.slice(0, 10)) console.log(`  ${line}`);
  process.exitCode = stats.unhandled.length > 0 || stats.errorLines > 0 || !sinkAlive ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
