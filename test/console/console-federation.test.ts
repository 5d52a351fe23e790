/**
 * The Federation page of the console: the server (localhost, with the s2s module) federating
 * with a second node of ours (c.localhost) shows both links, refreshed from the admin API.
 */
import type { Page } from 'playwright-core';
import { startNode, passwordOf, chat, bodyIs, type TestNode } from '../../server-core/testing';
import { connectClient } from '../support/xmpp-client';
import { freePort } from '../support/prosody';
import { startConsoleServer, launchBrowser, screenshot, signedInPage, type ConsoleServer, type ConsoleBrowser } from './console-world';

jest.setTimeout(60000);

describe('the Federation console page', () => {
  let world: ConsoleServer;
  let c: TestNode;
  let browser: ConsoleBrowser;
  let page: Page;

  beforeAll(async () => {
    const [ourPort, cPort] = [await freePort(), await freePort()];
    world = await startConsoleServer({ modules: { s2s: { enabled: true, config: { listener: { host: '127.0.0.1', port: ourPort }, routes: { 'c.localhost': `127.0.0.1:${cPort}` } } } } });
    c = await startNode({ domain: 'c.localhost', config: { modules: { s2s: { enabled: true, config: { listener: { host: '127.0.0.1', port: cPort }, routes: { localhost: `127.0.0.1:${ourPort}` } } } } } });
    await world.server.context.stores.accounts.create('root', 'root-password', { isAdmin: true });
    browser = await launchBrowser();
    page = await signedInPage(browser, world.adminUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await c?.stop();
    await world?.stop();
  });

  test('lists the incoming and the outgoing link with domain, method and node', async () => {
    await world.server.context.stores.accounts.create('alice', passwordOf('alice'));
    await c.createUser('carol', passwordOf('carol'));
    const alice = await connectClient(world.xmpp, { username: 'alice', password: passwordOf('alice'), resource: 'r' });
    const carol = await connectClient(c, { username: 'carol', password: passwordOf('carol'), resource: 'r' });
    try {
      await alice.send(chat('carol@c.localhost/r', 'hello'));
      await carol.waitFor(bodyIs('hello'), 10000, 'carol: the message');
      await carol.send(chat('alice@localhost/r', 'back'));
      await alice.waitFor(bodyIs('back'), 10000, 'alice: the answer');

      await page.goto(`${world.adminUrl}/s2s`);
      const rows = page.locator('#s2s-links tbody tr', { hasText: 'c.localhost' });
      await rows.nth(1).waitFor({ timeout: 15000 });
      const texts = (await rows.allTextContents()).sort();
      expect(texts).toHaveLength(2);
      // Up for a few seconds, not minutes.
      expect(texts[0]).toMatch(/c\.localhost\s*incoming\s*dialback\s*\S+ \(\d+s\)/);
      expect(texts[1]).toMatch(/c\.localhost\s*outgoing\s*dialback\s*\S+ \(\d+s\)/);
      for (const text of texts) expect(text).toContain(world.server.context.nodeId);
      expect(await page.locator('nav').textContent()).toContain('Federation');
      await screenshot(page, 'console-federation');
    } finally {
      await Promise.all([alice.stop(), carol.stop()]);
    }
  });
});
