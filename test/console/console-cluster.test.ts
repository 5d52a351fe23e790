import { randomUUID } from 'node:crypto';
import { RedisCluster } from '../../server-core/src/cluster/redis/redis-cluster';
import { FAST_TIMINGS } from '../../server-core/testing/cluster-world';
import { TEST_REDIS } from '../../server-core/testing/redis';
import { connectClient } from '../support/xmpp-client';
import { startConsoleServer, launchBrowser, signIn, type ConsoleServer, type ConsoleBrowser } from './console-world';

/** Two nodes clustered through the test Redis (127.0.0.1:6379 unless TEST_REDIS_HOST/TEST_REDIS_PORT say otherwise), on a namespace of their own. */
describe('admin console on a two-node cluster', () => {
  const namespace = `console-${randomUUID().slice(0, 8)}`;
  let a: ConsoleServer;
  let b: ConsoleServer;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    const node = (nodeId: string) => new RedisCluster({ nodeId, namespace, redis: TEST_REDIS, ...FAST_TIMINGS });
    a = await startConsoleServer({ cluster: node('node-a') });
    b = await startConsoleServer({ cluster: node('node-b') });
    // Each test node has its own embedded database: the administrator signs in on A, bob logs in on B.
    await a.server.context.stores.accounts.create('root', 'root-password', { isAdmin: true });
    await b.server.context.stores.accounts.create('bob', 'bob-password');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await b?.stop();
    await a?.stop();
  });

  test('the cluster page on A lists both nodes and the senior; a session on B is kicked from the console on A', async () => {
    const bob = await connectClient(b.xmpp, { username: 'bob', password: 'bob-password', resource: 'desk' });
    const gone = new Promise<void>((resolve) => bob.raw.on('status', (status: string) => status === 'disconnect' && resolve()));
    try {
      const { context, page } = await browser.newPage();
      await signIn(page, a.adminUrl, 'root', 'root-password');
      await page.waitForURL(`${a.adminUrl}/cluster`);
      const rowB = page.locator('#cluster-nodes tbody tr', { hasText: 'node-b' });
      await rowB.locator('td:nth-child(3)', { hasText: /^1$/ }).waitFor();
      await page.locator('#cluster-nodes tbody tr', { hasText: 'node-a' }).waitFor();
      const senior = a.server.context.cluster.seniorId();
      await expect(page.locator('#cluster-nodes tbody tr', { hasText: senior! }).textContent()).resolves.toContain('senior');
      await expect(page.textContent('#cluster-health')).resolves.toContain('every member answered');

      await page.goto(`${a.adminUrl}/sessions`);
      const row = page.locator('#sessions tbody tr', { hasText: 'bob@localhost/desk' });
      await expect(row.textContent()).resolves.toContain('node-b');
      await row.getByRole('button', { name: 'Kick' }).click();
      await gone;
      await row.waitFor({ state: 'detached' });
      expect(b.server.context.sessions.size).toBe(0);
      await context.close();
    } finally {
      await bob.stop();
    }
  });
});
