/**
 * Revoked rights stop working at once: a console cookie after the account loses its
 * administrator rights, its password or itself (through the API or the CLI, which writes to the
 * database directly), and an XMPP session after a password change (`reset`) or deletion
 * (`not-authorized`), on whichever node of a cluster it is.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RedisCluster } from '../../server-core/src/cluster/redis/redis-cluster';
import { FAST_TIMINGS } from '../../server-core/testing/cluster-world';
import { HonestClient, MAX_HONEST_SLOWDOWN, type RawStream } from './attack-kit';
import { startAdminWorld, type AdminWorld } from './admin-kit';
import { consoleSignIn } from './console-kit';
import { boundStream } from './sasl-kit';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = path.join(ROOT, 'server-core/src/cli/main.ts');
const XMPP = { listeners: { c2s: { requireTls: false } }, auth: { allowPlainWithoutTls: true, revocationCheckMs: 200 } };

/** Runs the real CLI against the world's database, as an operator would while the server runs. */
function cli(world: AdminWorld, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const configFile = path.join(world.server.dataDir, 'cli-config.json');
  fs.writeFileSync(configFile, JSON.stringify({ domain: world.server.domain, dataDir: world.server.dataDir, listeners: { admin: false } }));
  const child = spawn(TSX, [MAIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, AIM_CONFIG: configFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function consoleCookie(world: AdminWorld, username: string, password: string): Promise<string> {
  const signedIn = await consoleSignIn(world.port, username, password);
  if (!signedIn.sessionCookie) throw new Error(`${username} could not sign in (status ${signedIn.status})`);
  return signedIn.sessionCookie;
}

const withCookie = (world: AdminWorld, cookie: string) => world.request('GET', '/api/cluster', { token: false, headers: { cookie } });

function streamEnd(raw: RawStream): Promise<{ condition: string; text: string | undefined }> {
  return raw.streamError().then((condition) => ({ condition, text: /<text[^>]*>([^<]*)<\/text>/.exec(raw.received)?.[1] }));
}

describe('one node', () => {
  let world: AdminWorld;
  let honest: HonestClient;

  beforeAll(async () => {
    world = await startAdminWorld(XMPP);
    const accounts = world.server.server.context.stores.accounts;
    for (const name of ['root', 'second', 'third', 'fourth']) await accounts.create(name, `${name}-password`, { isAdmin: true });
    for (const name of ['honest', 'dave', 'erin', 'frank', 'grace']) await world.server.createUser(name, `${name}-password`);
    honest = await HonestClient.connect(world.server, 'honest', 'honest-password');
  });

  afterAll(async () => {
    await honest?.stop();
    await world?.stop();
  });

  test('a console cookie stops working after `user admin X off`, `user passwd X` and `user delete X` on the CLI', async () => {
    await honest.baseline();
    const cookies = { root: await consoleCookie(world, 'root', 'root-password'), second: await consoleCookie(world, 'second', 'second-password'), third: await consoleCookie(world, 'third', 'third-password') };
    for (const cookie of Object.values(cookies)) expect((await withCookie(world, cookie)).status).toBe(200);

    expect(await cli(world, 'user', 'admin', 'root', 'off')).toMatchObject({ code: 0 });
    expect(await cli(world, 'user', 'passwd', 'second', '--password', 'second-new-password')).toMatchObject({ code: 0 });
    expect(await cli(world, 'user', 'delete', 'third')).toMatchObject({ code: 0 });
    for (const cookie of Object.values(cookies)) {
      const answer = await withCookie(world, cookie);
      expect(answer.status).toBe(401);
      expect(answer.json.error.code).toBe('unauthorized');
    }
    // Rights given back do not revive the old cookie: it was deleted on first refusal.
    expect(await cli(world, 'user', 'admin', 'root', 'on')).toMatchObject({ code: 0 });
    expect((await withCookie(world, cookies.root)).status).toBe(401);
    expect((await withCookie(world, await consoleCookie(world, 'root', 'root-password'))).status).toBe(200);
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  }, 60_000);

  test('a password reset from the API ends the console session and the XMPP sessions with reset', async () => {
    const cookie = await consoleCookie(world, 'fourth', 'fourth-password');
    const [desk, phone] = [await boundStream(world.server, 'dave', 'dave-password', 'desk'), await boundStream(world.server, 'dave', 'dave-password', 'phone')];
    const untouched = await boundStream(world.server, 'erin', 'erin-password');
    const changed = await world.request('PUT', '/api/users/fourth/password', { body: { password: 'fourth-new-password' } });
    expect(changed.status).toBe(200);
    expect((await withCookie(world, cookie)).status).toBe(401);

    expect((await world.request('PUT', '/api/users/dave/password', { body: { password: 'dave-new-password' } })).status).toBe(200);
    const expected = { condition: 'reset', text: 'the password of this account was changed; log in again' };
    expect(await streamEnd(desk)).toEqual(expected);
    expect(await streamEnd(phone)).toEqual(expected);
    // erin, not concerned, is still there: her ping is answered after dave's sessions ended.
    await untouched.write(`<iq type='get' id='after' to='${world.server.domain}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await untouched.waitForText("id=\"after\"");
    expect(untouched.closed).toBe(false);
    await untouched.dispose();
  });

  test('an XMPP session ends with not-authorized when its account is deleted through the API', async () => {
    const raw = await boundStream(world.server, 'frank', 'frank-password');
    expect((await world.request('DELETE', '/api/users/frank')).status).toBe(200);
    expect(await streamEnd(raw)).toEqual({ condition: 'not-authorized', text: 'this account was deleted' });
  });

  test('password changes and deletions made with the CLI end XMPP sessions at the next check', async () => {
    const changed = await boundStream(world.server, 'grace', 'grace-password');
    const deleted = await boundStream(world.server, 'erin', 'erin-password');
    expect(await cli(world, 'user', 'passwd', 'grace', '--password', 'grace-new-password')).toMatchObject({ code: 0 });
    expect(await cli(world, 'user', 'delete', 'erin')).toMatchObject({ code: 0 });
    expect(await streamEnd(changed)).toEqual({ condition: 'reset', text: 'the password of this account was changed; log in again' });
    expect(await streamEnd(deleted)).toEqual({ condition: 'not-authorized', text: 'this account was deleted' });
  }, 60_000);
});

/** Two nodes through Redis on 127.0.0.1:6379; each test node has its own database, so only the cluster task can reach B. */
describe('two nodes', () => {
  const namespace = `revoked-${randomUUID().slice(0, 8)}`;
  const node = (nodeId: string) => new RedisCluster({ nodeId, namespace, redis: { host: '127.0.0.1', port: 6379 }, ...FAST_TIMINGS });
  let a: AdminWorld;
  let b: AdminWorld;

  beforeAll(async () => {
    a = await startAdminWorld({ ...XMPP, auth: { ...XMPP.auth, revocationCheckMs: 3_600_000 } }, node('node-a'));
    b = await startAdminWorld({ ...XMPP, auth: { ...XMPP.auth, revocationCheckMs: 3_600_000 } }, node('node-b'));
    for (const world of [a, b]) await world.server.createUser('bob', 'bob-password');
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  test('a password reset on node A ends the session on node B with reset', async () => {
    const onB = await boundStream(b.server, 'bob', 'bob-password');
    expect((await a.request('PUT', '/api/users/bob/password', { body: { password: 'bob-new-password' } })).status).toBe(200);
    expect(await streamEnd(onB)).toEqual({ condition: 'reset', text: 'the password of this account was changed; log in again' });
  });

  test('deleting the account on node A ends the session on node B with not-authorized', async () => {
    const onB = await boundStream(b.server, 'bob', 'bob-password', 'second');
    expect((await a.request('DELETE', '/api/users/bob')).status).toBe(200);
    expect(await streamEnd(onB)).toEqual({ condition: 'not-authorized', text: 'this account was deleted' });
  });
});
