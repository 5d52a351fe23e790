/**
 * AMI input, reader against reader: the same stream of typical call events (Newchannel, Newstate,
 * DialBegin, BridgeEnter, Hangup; 15 to 20 fields each) fed in fixed-size chunks through our
 * AmiFrameReader and through asterisk-manager's own reader, which is handed a stand-in socket
 * exactly as it would get a real one. The package is timed until its events are delivered (it
 * emits them on process.nextTick); ours until its messages, validated and in our shape, are.
 *
 * Each figure is the best of --runs, as the machine may be busy with other work.
 *
 *   npx tsx test/bench/ami-reader.ts [--events 200000] [--chunks 65536,16384,1024] [--runs 3]
 */
import { EventEmitter } from 'node:events';
import net = require('node:net');
import { parseArgs } from 'node:util';
import Manager = require('asterisk-manager');
import { AmiFrameReader } from '../../plugins/asterisk-im/src/ami/ami-frame-reader';
import { AMI_LINK_DEFAULTS } from '../../plugins/asterisk-im/src/ami/ami-link-options';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' }, chunks: { type: 'string', default: '65536,16384,1024' }, runs: { type: 'string', default: '3' } } });
const totalEvents = Number(values.events);
const chunkSizes = values.chunks!.split(',').map(Number);
const runs = Number(values.runs);
const BANNER = 'Asterisk Call Manager/5.0.1\r\n';
/** Let deferred work run about once per MiB, as a socket handing over chunks from separate reads would. */
const DRAIN_EVERY_CHARS = 1 << 20;

const names = ['Alice Martin', 'Bob Dupont', 'Chloé Bernard', 'David Leroy'];

function channelFields(channel: string, state: [number, string], num: string, name: string, uniqueid: string, linkedid: string): string {
  return [
    `Channel: ${channel}`,
    `ChannelState: ${state[0]}`,
    `ChannelStateDesc: ${state[1]}`,
    `CallerIDNum: ${num}`,
    `CallerIDName: ${name}`,
    'ConnectedLineNum: <unknown>',
    'ConnectedLineName: <unknown>',
    'Language: en',
    'AccountCode: ',
    'Context: from-internal',
    `Exten: ${num}`,
    'Priority: 1',
    `Uniqueid: ${uniqueid}`,
    `Linkedid: ${linkedid}`,
  ].join('\r\n');
}

/** The five events of one call leg, as Asterisk 18 words them. */
function callEvents(call: number): string {
  const caller = String(1000 + (call % 900));
  const callee = String(1000 + ((call * 7 + 3) % 900));
  const name = names[call % names.length];
  const uniqueid = `1700000000.${call * 2}`;
  const channel = `PJSIP/${caller}-${call.toString(16).padStart(8, '0')}`;
  const fields = (state: [number, string]) => channelFields(channel, state, caller, name, uniqueid, uniqueid);
  const bridge = `b${call.toString(16).padStart(8, '0')}-4c1f-4b7e-9a51-d3c2e0f4a6b8`;
  return [
    `Event: Newchannel\r\nPrivilege: call,all\r\n${fields([0, 'Down'])}\r\n\r\n`,
    `Event: Newstate\r\nPrivilege: call,all\r\n${fields([4, 'Ring'])}\r\n\r\n`,
    `Event: DialBegin\r\nPrivilege: call,all\r\n${fields([4, 'Ring'])}\r\nDestChannel: PJSIP/${callee}-${(call + 1).toString(16).padStart(8, '0')}\r\nDestUniqueid: 1700000000.${call * 2 + 1}\r\nDialString: ${callee}\r\n\r\n`,
    `Event: BridgeEnter\r\nPrivilege: call,all\r\nBridgeUniqueid: ${bridge}\r\nBridgeType: basic\r\nBridgeTechnology: simple_bridge\r\nBridgeCreator: <unknown>\r\nBridgeName: <unknown>\r\nBridgeNumChannels: 1\r\nBridgeVideoSourceMode: none\r\n${fields([6, 'Up'])}\r\n\r\n`,
    `Event: Hangup\r\nPrivilege: call,all\r\n${fields([6, 'Up'])}\r\nCause: 16\r\nCause-txt: Normal Clearing\r\n\r\n`,
  ].join('');
}

function chunked(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
  return chunks;
}

const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function feed(chunks: string[], push: (chunk: string) => void): Promise<void> {
  let sinceDrain = 0;
  for (const chunk of chunks) {
    push(chunk);
    sinceDrain += chunk.length;
    if (sinceDrain >= DRAIN_EVERY_CHARS) {
      sinceDrain = 0;
      await drain();
    }
  }
  await drain();
}

/** Our reader, with the limits the link runs with. */
async function runOurs(chunks: string[]): Promise<number> {
  let events = 0;
  const reader = new AmiFrameReader(AMI_LINK_DEFAULTS, {
    banner: () => undefined,
    message: (message) => (message.kind === 'event' ? (events += 1) : undefined),
    failed: (reason) => {
      throw new Error(reason);
    },
  });
  await feed(chunks, (chunk) => reader.push(chunk));
  return events;
}

/** Just enough of a net.Socket for asterisk-manager to attach its reader to. */
class StandInSocket extends EventEmitter {
  readonly readyState = 'open';
  setKeepAlive(): void {}
  setNoDelay(): void {}
  setEncoding(): void {}
}

/** asterisk-manager's reader, fed through the 'data' listener it puts on the socket it creates. */
async function runPackage(chunks: string[]): Promise<number> {
  const socket = new StandInSocket();
  const manager = Manager(undefined, '127.0.0.1', 'bench', 'bench', false) as Manager.ManagerInstance & EventEmitter;
  const original = net.createConnection;
  net.createConnection = (() => socket) as unknown as typeof net.createConnection;
  try {
    manager.connect(5038, '127.0.0.1');
  } finally {
    net.createConnection = original;
  }
  let events = 0;
  manager.on('managerevent', () => (events += 1));
  await feed(chunks, (chunk) => socket.emit('data', chunk));
  return events;
}

async function measure(run: (chunks: string[]) => Promise<number>, chunks: string[], expected: number): Promise<number> {
  let best = 0;
  for (let i = 0; i < runs; i += 1) {
    const started = process.hrtime.bigint();
    const events = await run(chunks);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (events !== expected) throw new Error(`${events} events read, ${expected} sent`);
    best = Math.max(best, Math.round(events / seconds));
  }
  return best;
}

async function main(): Promise<void> {
  const calls = Math.ceil(totalEvents / 5);
  const text = BANNER + Array.from({ length: calls }, (_, call) => callEvents(call)).join('');
  const events = calls * 5;
  console.log(`${events} events, ${(text.length / 2 ** 20).toFixed(1)} MiB, ${Math.round(text.length / events)} bytes per event`);
  const warmUp = chunked(BANNER + Array.from({ length: 2000 }, (_, call) => callEvents(call)).join(''), 4096);
  await runOurs(warmUp);
  await runPackage(warmUp);
  const rows = [];
  for (const size of chunkSizes) {
    const chunks = chunked(text, size);
    const ours = await measure(runOurs, chunks, events);
    const pkg = await measure(runPackage, chunks, events);
    rows.push({ chunk: size, 'AmiFrameReader events/s': ours, 'asterisk-manager events/s': pkg, speedup: `${(ours / pkg).toFixed(1)}x` });
  }
  console.table(rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
