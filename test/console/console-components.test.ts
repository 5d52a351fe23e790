/** The console's Components page: the configured external components, where each is connected, never a secret. */
import { launchBrowser, screenshot, signedInPage, startConsoleServer, type ConsoleBrowser, type ConsoleServer } from './console-world';
import { connectRawComponent } from '../support/raw-component';
import type { RawStream } from '../attacks/attack-kit';
import { freePort } from '../../server-core/testing/redis';

const SECRET = 'console-gateway-secret';

describe('the Components console page', () => {
  let server: ConsoleServer;
  let browser: ConsoleBrowser;
  let component: RawStream;

  beforeAll(async () => {
    const port = await freePort();
    server = await startConsoleServer({
      modules: { components: { config: { listener: { host: '127.0.0.1', port }, components: [{ domain: 'gateway.localhost', secret: SECRET, name: 'IRC gateway' }, { domain: 'bot.localhost', secret: 'console-bot-secret' }] } } },
    });
    await server.server.context.stores.accounts.create('root', 'root-password', { isAdmin: true });
    component = await connectRawComponent(port, 'gateway.localhost', SECRET);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await component?.dispose();
    await browser?.close();
    await server?.stop();
  });

  it('lists each component with its state, node and since when', async () => {
    const page = await signedInPage(browser, server.adminUrl);
    await page.locator('header nav a', { hasText: 'Components' }).click();
    await page.waitForURL(`${server.adminUrl}/components`);
    const connected = page.locator('#components-list tbody tr', { hasText: 'gateway.localhost' });
    await connected.waitFor();
    const cells = await connected.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['gateway.localhost', 'IRC gateway', 'connected', server.server.context.nodeId]);
    expect(Date.parse(cells[4])).not.toBeNaN();
    await expect(page.locator('#components-list tbody tr', { hasText: 'bot.localhost' }).locator('td').allTextContents()).resolves.toEqual(['bot.localhost', '', 'not connected', '', '']);
    const html = await page.content();
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain('console-bot-secret');
    await screenshot(page, 'console-components');
  });
});
