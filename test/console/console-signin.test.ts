import fs from 'node:fs';
import path from 'node:path';
import { connectClient } from '../support/xmpp-client';
import { startConsoleServer, launchBrowser, signIn, screenshot, type ConsoleServer, type ConsoleBrowser } from './console-world';

describe('admin console: first administrator and sign-in', () => {
  let world: ConsoleServer;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    world = await startConsoleServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  const setupToken = () => {
    const line = world.logLines().find((l) => typeof l.setupToken === 'string');
    if (!line) throw new Error('the server printed no setup token');
    return String(line.setupToken);
  };

  test('with no administrator the server prints a one-time setup token that is not the API token', () => {
    const token = setupToken();
    expect(token.length).toBeGreaterThanOrEqual(20);
    const apiToken = fs.readFileSync(path.join(world.dataDir, 'admin-token'), 'utf8').trim();
    expect(token).not.toBe(apiToken);
  });

  test('the first administrator is created at /setup with the token; a wrong token is refused next to its field', async () => {
    const { context, page } = await browser.newPage();
    await page.goto(world.adminUrl);
    expect(new URL(page.url()).pathname).toBe('/setup');
    await screenshot(page, 'console-setup');

    await page.fill('input[name="setupToken"]', 'not-the-token');
    await page.fill('input[name="username"]', 'root');
    await page.fill('input[name="password"]', 'correct horse');
    await page.click('#setup-form button[type="submit"]');
    await expect(page.textContent('[data-error-for="setupToken"]')).resolves.toContain('not the setup token');
    expect(await world.server.context.stores.accounts.exists('root')).toBe(false);

    await page.fill('input[name="setupToken"]', setupToken());
    await page.fill('input[name="password"]', 'correct horse');
    await page.click('#setup-form button[type="submit"]');
    await page.waitForURL(`${world.adminUrl}/cluster`);
    expect((await world.server.context.stores.accounts.get('root'))?.isAdmin).toBe(true);

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'aim_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await context.close();

    // Spent: the setup page is closed once an administrator exists.
    const again = await browser.newPage();
    await again.page.goto(`${world.adminUrl}/setup`);
    await expect(again.page.textContent('main')).resolves.toContain('setup is closed');
    await again.context.close();
  });

  test('a wrong password shows an error on the sign-in form; a non-administrator cannot sign in', async () => {
    await world.server.context.stores.accounts.create('alice', 'alice-password');
    const { context, page } = await browser.newPage();
    await signIn(page, world.adminUrl, 'root', 'wrong password');
    await expect(page.textContent('[data-error-for="password"]')).resolves.toContain('Wrong username or password');
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'console-sign-in-error');

    await signIn(page, world.adminUrl, 'alice', 'alice-password');
    await expect(page.textContent('[data-error-for="password"]')).resolves.toContain('not an administrator');

    await signIn(page, world.adminUrl, 'root', 'correct horse');
    await page.waitForURL(`${world.adminUrl}/cluster`);
    await page.waitForSelector('#cluster-nodes tbody tr td');
    await context.close();
  });

  test('pages and the API refuse requests without a session; a state change without the CSRF token is refused', async () => {
    const page = await fetch(`${world.adminUrl}/users`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    expect((await fetch(`${world.adminUrl}/api/users`)).status).toBe(401);

    const { context, page: browserPage } = await browser.newPage();
    await signIn(browserPage, world.adminUrl, 'root', 'correct horse');
    await browserPage.waitForURL(`${world.adminUrl}/cluster`);
    const cookie = (await context.cookies()).find((c) => c.name === 'aim_console')!;
    const headers = { cookie: `aim_console=${cookie.value}`, 'content-type': 'application/json' };
    expect((await fetch(`${world.adminUrl}/api/users`, { headers })).status).toBe(200);
    const forged = await fetch(`${world.adminUrl}/api/users`, { method: 'POST', headers, body: JSON.stringify({ username: 'mallory', password: 'mallory-pass' }) });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('csrf');
    expect(await world.server.context.stores.accounts.exists('mallory')).toBe(false);
    await context.close();
  });

  test('the cluster page shows this node as senior with its sessions, Redis and database health', async () => {
    await world.server.context.stores.accounts.create('bob', 'bob-password');
    const bob = await connectClient(world.xmpp, { username: 'bob', password: 'bob-password', resource: 'desk' });
    try {
      const { context, page } = await browser.newPage();
      await signIn(page, world.adminUrl, 'root', 'correct horse');
      await page.waitForURL(`${world.adminUrl}/cluster`);
      const row = page.locator('#cluster-nodes tbody tr', { hasText: world.server.context.nodeId });
      await expect(row.textContent()).resolves.toContain('senior');
      await row.locator('td:nth-child(3)', { hasText: /^1$/ }).waitFor();
      await expect(page.textContent('#cluster-health')).resolves.toMatch(/Database: ok/);
      await screenshot(page, 'console-cluster');
      await context.close();
    } finally {
      await bob.stop();
    }
  });
});
