import fs from 'node:fs';
import path from 'node:path';
import type { Element } from 'ltx';
import { eventually } from '../../../testing';
import { startWorld, iqFailure, xml, type World, type TestClient } from '../../../testing/world';

const UPLOAD = 'urn:xmpp:http:upload:0';
const SERVICE = 'upload.localhost';

const request = (filename: string, size: number, contentType?: string) =>
  xml('iq', { type: 'get', to: SERVICE }, xml('request', { xmlns: UPLOAD, filename, size: String(size), ...(contentType ? { 'content-type': contentType } : {}) }));

async function slot(client: TestClient, filename: string, size: number, contentType?: string): Promise<{ put: string; get: string }> {
  const answer = (await client.iq(request(filename, size, contentType))).getChild('slot', UPLOAD)!;
  return { put: String(answer.getChild('put')!.attrs.url), get: String(answer.getChild('get')!.attrs.url) };
}

/** The admin API of the world's node, with its token. */
async function admin(world: World, method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const token = fs.readFileSync(world.server.server.adminTokenFile!, 'utf8').trim();
  const answer = await fetch(`http://127.0.0.1:${world.server.server.addresses.admin.port}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await answer.text();
  return { status: answer.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}

/** Runs `test` with `user` online on a node of its own, with these upload settings. */
async function onOwnNode(user: string, uploadConfig: Record<string, unknown>, test: (client: TestClient) => Promise<void>): Promise<void> {
  const own = await startWorld([user], { modules: { upload: { config: uploadConfig } } });
  try {
    await test(await own.online(user, 'desk'));
  } finally {
    await own.stop();
  }
}

const put = (url: string, body: Buffer, contentType: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'PUT', body, headers: { 'content-type': contentType, ...headers } });

describe('HTTP File Upload (XEP-0363) on one node', () => {
  let world: World;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    world = await startWorld(['alice', 'bob'], {
      listeners: { admin: { host: '127.0.0.1', port: 0 } },
      modules: { upload: { config: { maxFileSize: 1000, quotaBytesPerUser: 2500, allowedContentTypes: ['text/plain', 'image/*'], fileTtlMs: 60000, cleanupIntervalMs: 1000 } } },
    });
    alice = await world.online('alice', 'laptop');
    bob = await world.online('bob', 'phone');
  });
  afterAll(async () => world?.stop());

  it('tells its largest file in disco#info, and the server lists the service', async () => {
    const info = (await alice.iq(xml('iq', { type: 'get', to: SERVICE }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })))).getChild('query')!;
    expect(info.getChildren('feature').map((f) => f.attrs.var)).toContain(UPLOAD);
    const form = info.getChild('x', 'jabber:x:data')!;
    const field = (name: string) => form.getChildren('field').find((f) => f.attrs.var === name)?.getChildText('value');
    expect(field('FORM_TYPE')).toBe(UPLOAD);
    expect(field('max-file-size')).toBe('1000');
    const items = (await alice.iq(xml('iq', { type: 'get', to: 'localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })))).getChild('query')!;
    expect(items.getChildren('item').map((i) => i.attrs.jid)).toContain(SERVICE);
  });

  it('takes a PUT of exactly the slot and serves it to another user with its type and a safe disposition', async () => {
    const body = Buffer.from('hello, bob\n');
    const urls = await slot(alice, 'notes; q3 é.txt', body.length, 'text/plain');
    expect(urls.put.startsWith(urls.get)).toBe(true);
    expect((await put(urls.put, body, 'text/plain')).status).toBe(201);
    const got = await fetch(urls.get);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('text/plain');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="notes_ q3 _.txt"; filename*=UTF-8''notes%3B%20q3%20%C3%A9.txt`);
    expect(Buffer.from(await got.arrayBuffer()).equals(body)).toBe(true);
    // The same slot cannot be used twice.
    expect((await put(urls.put, body, 'text/plain')).status).toBe(409);
  });

  it('serves a type that is not safe to show as an attachment', async () => {
    await onOwnNode('carol', { maxFileSize: 1000 }, async (carol) => {
      const body = Buffer.from('<script>alert(1)</script>');
      const urls = await slot(carol, 'page.html', body.length, 'text/html');
      expect((await put(urls.put, body, 'text/html')).status).toBe(201);
      const got = await fetch(urls.get);
      expect(got.headers.get('content-type')).toBe('text/html');
      expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
      expect(got.headers.get('content-security-policy')).toContain('sandbox');
    });
  });

  it('refuses a PUT with a wrong size, type, token or slot', async () => {
    const body = Buffer.from('0123456789');
    const urls = await slot(alice, 'digits.txt', body.length, 'text/plain');
    expect((await put(urls.put, Buffer.from('012345678'), 'text/plain')).status).toBe(400);
    expect((await put(urls.put, Buffer.concat([body, Buffer.from('x')]), 'text/plain')).status).toBe(400);
    expect((await put(urls.put, body, 'image/png')).status).toBe(400);
    expect((await put(urls.put.replace(/token=./, 'token=A'), body, 'text/plain')).status).toBe(403);
    expect((await put(urls.put.replace(/expires=\d+/, `expires=${Date.now() + 3600_000}`), body, 'text/plain')).status).toBe(403);
    expect((await put(urls.get.replace(/\/upload\/[0-9a-f]{32}\//, `/upload/${'0'.repeat(32)}/`) + '?expires=1&token=x', body, 'text/plain')).status).toBe(403);
    // None of those used the slot: the right body still goes in.
    expect((await fetch(urls.get)).status).toBe(404);
    expect((await put(urls.put, body, 'text/plain')).status).toBe(201);
    expect((await fetch(urls.get)).status).toBe(200);
  });

  it('refuses a file above the largest size with file-too-large and a type not accepted with not-acceptable', async () => {
    const tooLarge = await iqFailure(alice, request('big.png', 1001, 'image/png'));
    expect(tooLarge.condition).toBe('not-acceptable');
    expect(tooLarge.application?.is('file-too-large', UPLOAD)).toBe(true);
    expect(tooLarge.application?.getChildText('max-file-size')).toBe('1000');
    const wrongType = await iqFailure(alice, request('tool.exe', 10, 'application/x-msdownload'));
    expect(wrongType.condition).toBe('not-acceptable');
    expect(wrongType.application).toBeUndefined();
    const noSize = await iqFailure(alice, xml('iq', { type: 'get', to: SERVICE }, xml('request', { xmlns: UPLOAD, filename: 'x.txt' })));
    expect(noSize.condition).toBe('bad-request');
  });

  it('refuses past the per-account quota with resource-constraint and when to retry; the admin quota raises it', async () => {
    // alice holds 21 bytes; 2500 is her quota.
    await slot(alice, 'a.png', 1000, 'image/png');
    await slot(alice, 'b.png', 1000, 'image/png');
    const refused = await iqFailure(alice, request('c.png', 1000, 'image/png'));
    expect(refused.condition).toBe('resource-constraint');
    const retry = refused.application as Element;
    expect(retry.is('retry', UPLOAD)).toBe(true);
    expect(Date.parse(String(retry.attrs.stamp))).toBeGreaterThan(Date.now());
    // bob's quota is his own.
    await slot(bob, 'c.png', 1000, 'image/png');
    expect(await admin(world, 'PUT', '/api/plugins/upload/quotas/alice', { quotaBytes: 5000 })).toEqual({ status: 200, body: { user: 'alice', quotaBytes: 5000 } });
    expect((await admin(world, 'PUT', '/api/plugins/upload/quotas/nobody', { quotaBytes: 5000 })).status).toBe(404);
    expect((await admin(world, 'PUT', '/api/plugins/upload/quotas/alice', { quotaBytes: 'lots' })).status).toBe(400);
    await slot(alice, 'c.png', 1000, 'image/png');
  });

  it('reports stored files and bytes per account, and counts uploads in the metrics', async () => {
    const usage = (await admin(world, 'GET', '/api/plugins/upload/usage')).body as { users: Array<{ username: string; files: number; bytes: number }> };
    // alice stored 'notes; q3 é.txt' (11 bytes) and 'digits.txt' (10); slots not used are not files.
    expect(usage.users).toEqual([{ username: 'alice', files: 2, bytes: 21 }]);
    const metrics = String((await admin(world, 'GET', '/metrics')).body);
    // Nodes in one process share the registry: carol's 25-byte page on the other node counts too.
    expect(metrics).toMatch(/^aim_upload_files_total 3$/m);
    expect(metrics).toMatch(/^aim_upload_bytes_total 46$/m);
    expect(metrics).toMatch(/^aim_upload_slots_total\{result="resource-constraint"\} 1$/m);
  });

  it('answers 404 for an expired file and the cleanup removes its bytes', async () => {
    const body = Buffer.from('short-lived');
    const urls = await slot(bob, 'brief.txt', body.length, 'text/plain');
    expect((await put(urls.put, body, 'text/plain')).status).toBe(201);
    const id = /\/upload\/([0-9a-f]{32})\//.exec(urls.get)![1];
    const file = path.join(world.server.dataDir, 'uploads', id.slice(0, 2), id);
    expect(fs.existsSync(file)).toBe(true);
    await world.server.server.db.run('UPDATE upload_files SET expires_at = ? WHERE id = ?', [Date.now() - 1, id]);
    expect((await fetch(urls.get)).status).toBe(404);
    await eventually('the cleanup removed the expired file', async () => !fs.existsSync(file) && !(await world.server.server.db.get('SELECT id FROM upload_files WHERE id = ?', [id])), 5000);
  });

  it('refuses a PUT after the slot expired', async () => {
    await onOwnNode('dave', { slotTtlMs: 1000 }, async (dave) => {
      const body = Buffer.from('late');
      const urls = await slot(dave, 'late.txt', body.length, 'text/plain');
      const expires = Number(/expires=(\d+)/.exec(urls.put)![1]);
      await eventually('the slot time passed', () => Date.now() > expires, 5000);
      const refused = await put(urls.put, body, 'text/plain');
      expect(refused.status).toBe(403);
      expect(await refused.text()).toMatch(/expired/);
    });
  });

  it('goes away with the module and comes back with the stored files', async () => {
    const body = Buffer.from('kept');
    const urls = await slot(bob, 'kept.txt', body.length, 'text/plain');
    expect((await put(urls.put, body, 'text/plain')).status).toBe(201);
    await world.server.server.plugins.disable('upload');
    // upload.localhost is no address of this server any more.
    expect((await iqFailure(bob, request('other.txt', 4, 'text/plain'))).condition).toBe('remote-server-not-found');
    // The WebSocket listener answers what it always answered outside its mounts.
    expect((await fetch(urls.get)).status).toBe(426);
    await world.server.server.plugins.enable('upload');
    const again = await fetch(urls.get);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('kept');
  });
});
