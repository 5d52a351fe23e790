/**
 * ctx.console: a plugin's page appears in the console with its navigation entry, script and
 * styles while the plugin runs, and is gone (with its assets) once it stops.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startConsoleServer, launchBrowser, signedInPage, type ConsoleServer, type ConsoleBrowser } from './console-world';

const PLUGIN = path.resolve(__dirname, '../../server-core/test/plugins/extension-points');

describe('admin console: plugin pages', () => {
  let world: ConsoleServer;
  let browser: ConsoleBrowser;
  let page: Page;

  beforeAll(async () => {
    world = await startConsoleServer({ plugins: [{ name: 'extension-points', path: PLUGIN }] });
    await world.server.context.stores.accounts.create('root', 'root-password', { isAdmin: true });
    browser = await launchBrowser();
    page = await signedInPage(browser, world.adminUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  test('a running plugin adds a page with a navigation entry, built by its own script and styles', async () => {
    await page.goto(`${world.adminUrl}/cluster`);
    await page.locator('header nav a', { hasText: 'Extensions' }).click();
    await page.waitForURL(`${world.adminUrl}/extension-points`);
    await expect(page.title()).resolves.toBe('Extension points · Asterisk-IM admin');
    await expect(page.locator('#ep-user').textContent()).resolves.toBe('Hello root');
    const hits = page.locator('#ep-hits [data-hits="3"]');
    await expect(hits.textContent()).resolves.toBe('3 hits');
    await expect(page.evaluate(`getComputedStyle(document.querySelector('#ep-hits strong')).color`)).resolves.toBe('rgb(1, 2, 3)');
    await expect(page.locator('header nav a.active').textContent()).resolves.toBe('Extensions');
  });

  test('a page outside the console session redirects to sign-in, like the console\'s own', async () => {
    const response = await fetch(`${world.adminUrl}/extension-points`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login');
  });

  test('once the plugin stops, its page says so, its navigation entry and its assets are gone', async () => {
    await world.server.plugins.disable('extension-points');
    await page.goto(`${world.adminUrl}/extension-points`);
    await expect(page.locator('#plugin-unavailable').textContent()).resolves.toContain('The extension-points plugin is not running on this server');
    await expect(page.locator('header nav').textContent()).resolves.not.toContain('Extensions');
    expect((await fetch(`${world.adminUrl}/assets/plugins/extension-points/extension-points.js`)).status).toBe(404);
    await world.server.plugins.enable('extension-points');
    expect((await fetch(`${world.adminUrl}/assets/plugins/extension-points/extension-points.js`)).status).toBe(200);
  });
});
