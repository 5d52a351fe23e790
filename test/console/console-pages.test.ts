import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { connectClient, xml } from '../support/xmpp-client';
import { startConsoleServer, launchBrowser, signIn, screenshot, type ConsoleServer, type ConsoleBrowser, fieldError, signedInPage } from './console-world';

const MOTD = path.resolve(__dirname, '../../plugins/motd');

/** Resolves when the client's connection ends (the server closed the stream). */
function disconnected(client: Awaited<ReturnType<typeof connectClient>>): Promise<void> {
  return new Promise((resolve) => client.raw.on('status', (status: string) => status === 'disconnect' && resolve()));
}

describe('admin console pages', () => {
  let world: ConsoleServer;
  let browser: ConsoleBrowser;
  let page: Page;
  const accounts = () => world.server.context.stores.accounts;

  beforeAll(async () => {
    world = await startConsoleServer({ plugins: [{ name: 'motd', path: MOTD, config: { text: 'Welcome' } }] });
    await accounts().create('root', 'root-password', { isAdmin: true });
    browser = await launchBrowser();
    page = await signedInPage(browser, world.adminUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  test('adding a user with a bad name shows the error next to the username and saves nothing; a good one appears in the list', async () => {
    await page.goto(`${world.adminUrl}/users`);
    await page.fill('#add-user [name="username"]', 'bad name');
    await page.fill('#add-user [name="password"]', 'carol-password');
    await page.click('#add-user button[type="submit"]');
    expect(await fieldError(page, '#add-user [data-error-for="username"]')).toContain('may not contain spaces');
    expect(await accounts().list()).toEqual(['root']);

    await page.fill('#add-user [name="username"]', 'carol');
    await page.fill('#add-user [name="password"]', 'short');
    await page.click('#add-user button[type="submit"]');
    expect(await fieldError(page, '#add-user [data-error-for="password"]')).toContain('at least 8');
    await expect(page.locator('#add-user [data-error-for="username"]').textContent()).resolves.toBe('');
    expect(await accounts().exists('carol')).toBe(false);

    await page.fill('#add-user [name="password"]', 'carol-password');
    await page.click('#add-user button[type="submit"]');
    await page.locator('#users tbody tr', { hasText: 'carol' }).waitFor();
    expect(await accounts().verifyPassword('carol', 'carol-password')).toBe(true);
    await screenshot(page, 'console-users');
  });

  test('a password is reset, the roster is shown, and a user is deleted', async () => {
    await page.goto(`${world.adminUrl}/users`);
    const row = page.locator('#users tbody tr', { hasText: 'carol' });
    await row.getByRole('button', { name: 'Reset password' }).click();
    await page.fill('#reset-password [name="password"]', 'carol-new-password');
    await page.click('#reset-password button[type="submit"]');
    await page.locator('#reset-password').waitFor({ state: 'hidden' });
    expect(await accounts().verifyPassword('carol', 'carol-new-password')).toBe(true);

    await world.server.context.stores.rosters.put('carol', { jid: 'root@localhost', name: 'The admin', subscription: 'both', askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: ['Staff'] });
    await row.getByRole('button', { name: 'Roster' }).click();
    // The roster is fetched after the click: wait for its row rather than reading the table at once.
    const contact = page.locator('#roster tbody tr', { hasText: 'root@localhost' });
    await contact.waitFor();
    await expect(contact.textContent()).resolves.toContain('Staff');

    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await accounts().exists('carol')).toBe(false);
  });

  test('kicking a session disconnects the connected client and removes it from the list', async () => {
    await accounts().create('dave', 'dave-password');
    const dave = await connectClient(world.xmpp, { username: 'dave', password: 'dave-password', resource: 'laptop' });
    const gone = disconnected(dave);
    try {
      await page.goto(`${world.adminUrl}/sessions`);
      const row = page.locator('#sessions tbody tr', { hasText: 'dave@localhost/laptop' });
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain(world.server.context.nodeId);
      await screenshot(page, 'console-sessions');
      await row.getByRole('button', { name: 'Kick' }).click();
      await gone;
      await row.waitFor({ state: 'detached' });
      expect(world.server.context.routes.get('dave@localhost/laptop')).toBeUndefined();
    } finally {
      await dave.stop();
    }
  });

  test('a plugin is disabled and enabled again from the plugins page', async () => {
    await page.goto(`${world.adminUrl}/plugins`);
    const row = page.locator('#plugins tbody tr', { hasText: 'motd' });
    await row.locator('[data-state="running"]').waitFor();
    await screenshot(page, 'console-plugins');
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.locator('[data-state="stopped"]').waitFor();
    expect(world.server.plugins.get('motd')).toMatchObject({ enabled: false, state: 'stopped' });
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.locator('[data-state="running"]').waitFor();
    expect(world.server.plugins.get('motd')).toMatchObject({ enabled: true, state: 'running' });
  });

  test('a plugin config form built from its schema shows a validation error next to the field and keeps the old config', async () => {
    await page.goto(`${world.adminUrl}/plugins`);
    await page.locator('#plugins tbody tr', { hasText: 'motd' }).getByRole('button', { name: 'Configure' }).click();
    const text = page.locator('#plugin-config [name="config.text"]');
    await expect(text.inputValue()).resolves.toBe('Welcome');
    await text.fill('');
    await page.click('#plugin-config button[type="submit"]');
    expect(await fieldError(page, '#plugin-config [data-error-for="config.text"]')).toContain('is required');
    await screenshot(page, 'console-plugin-config-error');
    expect(world.server.plugins.get('motd')?.config).toMatchObject({ text: 'Welcome' });

    await text.fill('Maintenance tonight');
    await page.click('#plugin-config button[type="submit"]');
    await page.locator('#plugin-config').waitFor({ state: 'hidden' });
    expect(world.server.plugins.get('motd')?.config).toMatchObject({ text: 'Maintenance tonight' });
  });

  test('installing from a path that holds no plugin shows the error next to the source field', async () => {
    await page.goto(`${world.adminUrl}/plugins`);
    await page.fill('#install-plugin [name="source"]', '/nonexistent/plugin-folder');
    await page.click('#install-plugin button[type="submit"]');
    expect(await fieldError(page, '#install-plugin [data-error-for="source"]')).not.toBe('');
    expect(world.server.plugins.list().map((p) => p.name)).toEqual(['motd']);
  });

  test('the Asterisk-IM page says so when the plugin is not running', async () => {
    await page.goto(`${world.adminUrl}/asterisk-im`);
    await expect(page.locator('#plugin-unavailable').textContent()).resolves.toContain('The asterisk-im plugin is not running on this server');
    await expect(page.locator('header nav').textContent()).resolves.not.toContain('Asterisk-IM');
  });

  test('/metrics answers the bearer token in the Prometheus format with sessions, stanzas and the senior flag', async () => {
    const token = fs.readFileSync(path.join(world.dataDir, 'admin-token'), 'utf8').trim();
    expect((await fetch(`${world.adminUrl}/metrics`)).status).toBe(401);
    await accounts().create('erin', 'erin-password');
    const erin = await connectClient(world.xmpp, { username: 'erin', password: 'erin-password', resource: 'phone' });
    try {
      await erin.iq(xml('iq', { type: 'get', to: 'localhost', id: 'ping-1' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
      const response = await fetch(`${world.adminUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      const node = world.server.context.nodeId;
      expect(text).toContain(`aim_sessions_local{node="${node}"} 1`);
      expect(text).toContain(`aim_cluster_senior{node="${node}"} 1`);
      expect(text).toMatch(new RegExp(`aim_stanzas_total\\{node="${node}",direction="in",kind="iq"\\} [1-9]`));
      expect(text).toMatch(new RegExp(`aim_stanzas_total\\{node="${node}",direction="out",kind="iq"\\} [1-9]`));
    } finally {
      await erin.stop();
    }
  });
});
