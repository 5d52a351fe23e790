/**
 * XEP-0363 and XEP-0357 in a cluster of server processes sharing Redis, PostgreSQL and the
 * upload folder: a file uploaded through node a is served by node b and counts against the
 * same quota there; only the senior removes expired files; push registered on node a announces
 * a message stored by node b.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage } from '../../server-core/src/storage';
import { eventually } from '../../server-core/testing';
import { TEST_POSTGRES_URL } from '../../server-core/testing/databases';
import { iqFailure } from '../../server-core/testing/world';
import { TestCluster } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { online, stopAll } from './cluster-steps';

const UPLOAD = 'urn:xmpp:http:upload:0';
const PUSH = 'urn:xmpp:push:0';
const RECORDER = path.resolve(__dirname, '../../server-core/test/plugins/push-recorder');

const request = (filename: string, size: number, contentType: string) =>
  xml('iq', { type: 'get', to: 'upload.localhost' }, xml('request', { xmlns: UPLOAD, filename, size: String(size), 'content-type': contentType }));

async function slot(client: TestClient, filename: string, size: number, contentType: string): Promise<{ put: string; get: string }> {
  const answer = (await client.iq(request(filename, size, contentType))).getChild('slot', UPLOAD)!;
  return { put: String(answer.getChild('put')!.attrs.url), get: String(answer.getChild('get')!.attrs.url) };
}

describe('upload and push across cluster nodes', () => {
  const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-uploads-'));
  const cluster = new TestCluster({
    config: {
      listeners: { c2s: { host: '127.0.0.1', port: 0 }, c2sDirectTls: false, websocket: { host: '127.0.0.1', port: 0 }, admin: false },
      modules: { upload: { config: { storageDir: shared, quotaBytesPerUser: 3000, cleanupIntervalMs: 1000 } }, push: { config: { includeBody: false } } },
      plugins: [{ name: 'push-recorder', path: RECORDER, config: { observer: 'observer@localhost/log' } }],
    },
  });
  const clients: TestClient[] = [];
  let uploaded = '';
  afterAll(async () => {
    await stopAll(clients);
    await cluster.stop();
    fs.rmSync(shared, { recursive: true, force: true });
  });

  it('serves a file stored through node a from node b, under one quota', async () => {
    const [a, b] = await cluster.start('a', 'b');
    await cluster.createUsers('alice', 'bob', 'observer');
    const alice = await online(a, 'alice', 'desk');
    const bob = await online(b, 'bob', 'laptop');
    clients.push(alice, bob);

    const body = Buffer.from('a picture, sort of');
    const onA = await slot(alice, 'pic.png', body.length, 'image/png');
    expect((await fetch(onA.put, { method: 'PUT', body, headers: { 'content-type': 'image/png' } })).status).toBe(201);
    // Node b's own address, from a slot it hands out.
    const baseOfB = new URL((await slot(bob, 'probe.txt', 1, 'text/plain')).get).origin;
    expect(baseOfB).not.toBe(new URL(onA.get).origin);
    const fromB = await fetch(`${baseOfB}${new URL(onA.get).pathname}`);
    uploaded = onA.get;
    expect(fromB.status).toBe(200);
    expect(fromB.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fromB.arrayBuffer()).equals(body)).toBe(true);

    // The quota is the account's on every node: 2000 more through node b would pass 3000.
    const aliceOnB = await online(b, 'alice', 'phone');
    clients.push(aliceOnB);
    await slot(aliceOnB, 'big.png', 2000, 'image/png');
    expect((await iqFailure(aliceOnB, request('more.png', 1000, 'image/png'))).condition).toBe('resource-constraint');
  });

  it('announces through the app server a message node b stored for an account connected to node a without an available session', async () => {
    const a = cluster.node('a');
    const b = cluster.node('b');
    const observer = await online(b, 'observer', 'log');
    const sender = await online(b, 'bob', 'tablet');
    clients.push(observer, sender);
    await cluster.createUsers('dave');
    // Connected on node a without presence: no session of dave's is available, so his messages are stored.
    const dave = await online(a, 'dave', 'phone', false);
    clients.push(dave);
    await dave.iq(xml('iq', { type: 'set' }, xml('enable', { xmlns: PUSH, jid: 'push.localhost', node: 'dave-node' })));
    await sender.send(xml('message', { to: 'dave@localhost', type: 'chat' }, xml('body', {}, 'are you there?')));
    const relayed = await observer.waitFor((s) => s.getChild('recorded', 'urn:test:push-recorder') !== undefined, 10000, 'the notification at the app server');
    const publish = relayed.getChild('recorded', 'urn:test:push-recorder')!.getChild('pubsub')!.getChild('publish')!;
    expect(publish.attrs.node).toBe('dave-node');
    const fields = publish.getChild('item')!.getChild('notification', PUSH)!.getChild('x')!.getChildren('field');
    const value = (name: string) => fields.find((f) => f.attrs.var === name)?.getChildText('value');
    expect(value('message-count')).toBe('1');
    expect(value('last-message-sender')).toBe('bob@localhost');
    expect(value('last-message-body')).toBeUndefined();
  });

  it('removes an expired file once, on the senior node', async () => {
    const id = /\/upload\/([0-9a-f]{32})\//.exec(uploaded)![1];
    const file = path.join(shared, id.slice(0, 2), id);
    expect(fs.existsSync(file)).toBe(true);
    const { db } = await openStorage({ kind: 'postgres', url: TEST_POSTGRES_URL, schema: cluster.schema, poolSize: 1 }, { scramIterations: 1024 });
    try {
      await db.run('UPDATE upload_files SET expires_at = ? WHERE id = ?', [Date.now() - 1, id]);
      await eventually('the expired file is gone from the folder and the table', async () => !fs.existsSync(file) && !(await db.get('SELECT id FROM upload_files WHERE id = ?', [id])), 10000);
    } finally {
      await db.close();
    }
    expect((await fetch(uploaded)).status).toBe(404);
    const removedBy = cluster.nodes.filter((node) => node.logs.some((line) => line.msg === 'expired uploads removed')).map((node) => node.id);
    const seniors = cluster.nodes.filter((node) => [...node.logs].reverse().find((l) => l.event === 'markedSenior' || l.event === 'lostSeniority')?.event === 'markedSenior').map((node) => node.id);
    expect(seniors).toHaveLength(1);
    expect(removedBy).toEqual(seniors);
  });
});
