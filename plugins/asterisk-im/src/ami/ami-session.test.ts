import net from 'node:net';
import { startAmiSimulator, type AmiSimulator } from '@asterisk-im/fixtures/ami-sim';
import { silentLogger } from '@asterisk-im/server-core';
import type { AmiEvent } from './ami-message';
import type { AmiLinkError } from './ami-link-error';
import { resolveAmiLinkOptions, type AmiLinkOptions } from './ami-link-options';
import { AmiSession } from './ami-session';
import type { ManagerInstance } from './manager-over-socket';

const USER = { username: 'asteriskim', secret: 'pbx-secret-1', read: ['call', 'agent', 'system'], write: ['all'] };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function newSession(options: Omit<AmiLinkOptions, 'username' | 'secret'>): AmiSession {
  const session = new AmiSession(resolveAmiLinkOptions({ username: USER.username, secret: USER.secret, actionTimeoutMs: 1000, ...options }), silentLogger());
  cleanups.push(() => session.close('test over'));
  return session;
}

/** What the session keeps to itself, for checks on how it uses the package. */
function internals(session: AmiSession): { manager: ManagerInstance; socket: net.Socket } {
  // Element access reaches private members with their declared types.
  const manager = session['manager'];
  const socket = session['socket'];
  if (!manager || !socket) throw new Error('the session has not opened its socket');
  return { manager, socket };
}

function closed(session: AmiSession): Promise<{ reason: string; error?: AmiLinkError }> {
  return new Promise((resolve) => session.once('closed', (reason, error) => resolve({ reason, error })));
}

/** A server that says `lines` to whoever connects, then listens. */
async function scriptedServer(lines: string): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    // Reading (and dropping) what the session sends is what lets the server see it hang up.
    socket.resume();
    socket.write(lines);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

describe('AmiSession reading the socket itself', () => {
  let sim: AmiSimulator;
  beforeEach(async () => {
    sim = await startAmiSimulator({ users: [USER], endpoints: ['1001', '1002'], version: '9.1.0' });
    cleanups.push(() => sim.stop());
  });

  test('logs in through the package, answers leave no listener behind, events arrive', async () => {
    const session = newSession({ host: sim.host, port: sim.port });
    const ready = new Promise<string>((resolve) => session.once('ready', resolve));
    session.open();
    expect(await ready).toBe('9.1.0');
    const { manager, socket } = internals(session);
    // Only our reader is left on the socket.
    expect(socket.listeners('data')).toHaveLength(1);

    const answers = await Promise.all(Array.from({ length: 20 }, () => session.action({ Action: 'Ping' })));
    expect(answers.every((a) => a.response === 'Success')).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    for (const answer of answers) expect(manager.listeners(answer.actionId as string)).toHaveLength(0);

    const events: AmiEvent[] = [];
    session.on('event', (e) => events.push(e));
    await sim.calls.dial('PJSIP/1001', '1002');
    const deadline = Date.now() + 3000;
    while (!events.some((e) => e.name === 'Newchannel') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.find((e) => e.name === 'Newchannel')?.fields.channel).toMatch(/^PJSIP\/1001-/);
  });
});

describe('AmiSession refusing what is not AMI', () => {
  test('a server that does not greet as Asterisk is a protocol error', async () => {
    const port = await scriptedServer('SSH-2.0-OpenSSH_9.6\r\n');
    const session = newSession({ host: '127.0.0.1', port });
    const ended = closed(session);
    session.open();
    const { reason, error } = await ended;
    expect(reason).toBe('no AMI banner');
    expect(error).toMatchObject({ kind: 'protocol', message: 'the server did not greet as Asterisk Call Manager' });
  });

  test('a line longer than maxLineBytes closes the session, even before its end arrives', async () => {
    const port = await scriptedServer(`Asterisk Call Manager/5.0.1\r\nResponse: ${'x'.repeat(5000)}`);
    const session = newSession({ host: '127.0.0.1', port, maxLineBytes: 4096 });
    const ended = closed(session);
    session.open();
    const { reason, error } = await ended;
    expect(reason).toBe('line too long');
    expect(error).toMatchObject({ kind: 'protocol', message: 'a line from the server exceeds 4096 bytes' });
  });
});
