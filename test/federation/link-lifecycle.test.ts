/**
 * Outgoing links coming up, failing and going idle: stanzas wait while a link comes up and
 * are bounced to the sender when it cannot (a peer that hangs up, one that never answers past
 * the retry window, a full queue); an idle link closes and the next stanza opens a new one.
 */
import net from 'node:net';
import { startNode, connectClient, passwordOf, chat, bodyIs, errorCondition, eventually, xml, type TestNode, type TestClient } from '../../server-core/testing';
import { freePort } from '../support/prosody';

jest.setTimeout(30000);

let a: TestNode;
let c: TestNode;
let alice: TestClient;
let carol: TestClient;
let silent: net.Server;
let hangup: net.Server;
const silentSockets: net.Socket[] = [];

beforeAll(async () => {
  const [aPort, cPort, silentPort, closedPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // Accepts connections and never says a word.
  silent = net.createServer((socket) => silentSockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
  // Hangs up at once: a port held by this test, so no other process can answer on it.
  hangup = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => hangup.listen(closedPort, '127.0.0.1', resolve));
  const s2s = (port: number, routes: Record<string, string>, extra: Record<string, unknown> = {}) => ({ modules: { s2s: { enabled: true, config: { listener: { host: '127.0.0.1', port }, routes, ...extra } } } });
  a = await startNode({
    domain: 'a.localhost',
    config: s2s(aPort, { 'c.localhost': `127.0.0.1:${cPort}`, 'silent.localhost': `127.0.0.1:${silentPort}`, 'closed.localhost': `127.0.0.1:${closedPort}` }, { connectTimeoutMs: 1500, retryForMs: 2000, maxQueuedStanzas: 2, idleTimeoutMs: 1000 }),
  });
  c = await startNode({ domain: 'c.localhost', config: s2s(cPort, { 'a.localhost': `127.0.0.1:${aPort}` }) });
  await a.createUser('alice', passwordOf('alice'));
  await c.createUser('carol', passwordOf('carol'));
  alice = await connectClient(a, { username: 'alice', password: passwordOf('alice'), resource: 'r' });
  carol = await connectClient(c, { username: 'carol', password: passwordOf('carol'), resource: 'r' });
});

afterAll(async () => {
  await Promise.all([alice?.stop(), carol?.stop()]);
  for (const socket of silentSockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await new Promise<void>((resolve) => hangup.close(() => resolve()));
  await c?.stop();
  await a?.stop();
});

const bounceOf = (to: string, id: string) => (s: { is(n: string): boolean; attrs: Record<string, string> }) => s.is('message') && s.attrs.type === 'error' && s.attrs.from === to && s.attrs.id === id;
const linksOf = async (node: TestNode) => node.server.context.services.ref('s2s').current!.links();

test('a server that hangs up at once: remote-server-not-found to the sender', async () => {
  await alice.send(xml('message', { to: 'x@closed.localhost', id: 'closed-1', type: 'chat' }, xml('body', {}, 'anyone?')));
  expect(errorCondition(await alice.waitFor(bounceOf('x@closed.localhost', 'closed-1'), 10000, 'the bounce'))).toBe('remote-server-not-found');
});

test('a peer that never answers: the queue holds maxQueuedStanzas, more are refused at once, the rest time out', async () => {
  for (const id of ['s1', 's2', 's3']) await alice.send(xml('message', { to: 'x@silent.localhost', id, type: 'chat' }, xml('body', {}, id)));
  expect(errorCondition(await alice.waitFor(bounceOf('x@silent.localhost', 's3'), 5000, 'the refusal of the third'))).toBe('resource-constraint');
  expect(alice.received.some(bounceOf('x@silent.localhost', 's1'))).toBe(false);
  for (const id of ['s1', 's2']) expect(errorCondition(await alice.waitFor(bounceOf('x@silent.localhost', id), 10000, `the timeout of ${id}`))).toBe('remote-server-timeout');
});

test('an idle link closes after idleTimeoutMs; the next stanza opens a new one', async () => {
  await alice.send(chat('carol@c.localhost/r', 'first'));
  await carol.waitFor(bodyIs('first'), 10000, 'carol: first');
  await eventually('a.localhost has an outgoing link', async () => (await linksOf(a)).some((l) => l.direction === 'outgoing'));
  await eventually('the idle link closed', async () => !(await linksOf(a)).some((l) => l.direction === 'outgoing'), 10000);
  await alice.send(chat('carol@c.localhost/r', 'second'));
  await carol.waitFor(bodyIs('second'), 10000, 'carol: second');
});
