import path from 'node:path';
import type { Page } from 'playwright-core';
import { startAmiSimulator, type AmiSimulator } from '../../fixtures/ami-sim';
import { startConsoleServer, launchBrowser, signIn, screenshot, type ConsoleServer, type ConsoleBrowser, fieldError, signedInPage } from './console-world';

const ASTERISK_IM = path.resolve(__dirname, '../../plugins/asterisk-im');
const AMI_USER = { username: 'asteriskim', secret: 'pbx-secret-7', read: ['call', 'agent', 'system'], write: ['originate', 'agent', 'call', 'system', 'reporting'] };

describe('admin console: Asterisk-IM page against the AMI simulator', () => {
  let sim: AmiSimulator;
  let world: ConsoleServer;
  let browser: ConsoleBrowser;
  let page: Page;

  beforeAll(async () => {
    sim = await startAmiSimulator({ users: [AMI_USER], endpoints: ['1001', '1002', '1003'], loginFailureDelayMs: 50 });
    world = await startConsoleServer({ plugins: [{ name: 'asterisk-im', path: ASTERISK_IM, config: { link: { reconnectMinMs: 50, reconnectMaxMs: 200, actionTimeoutMs: 2000 } } }] });
    const accounts = world.server.context.stores.accounts;
    await accounts.create('root', 'root-password', { isAdmin: true });
    await accounts.create('alice', 'alice-password');
    browser = await launchBrowser();
    page = await signedInPage(browser, world.adminUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
    await sim?.stop();
  });

  test('a server with a missing host shows the error next to the host field and is not saved', async () => {
    await page.goto(`${world.adminUrl}/asterisk-im`);
    await page.locator('#aim-content').waitFor();
    await page.fill('#aim-add-server [name="name"]', 'pbx');
    await page.fill('#aim-add-server [name="username"]', AMI_USER.username);
    await page.fill('#aim-add-server [name="secret"]', AMI_USER.secret);
    await page.click('#aim-add-server button[type="submit"]');
    expect(await fieldError(page, '#aim-add-server [data-error-for="host"]')).not.toBe('');
    await expect(page.locator('#aim-servers tbody').textContent()).resolves.toContain('No Asterisk server yet');
  });

  test('an added server connects, shows the node holding its link, and passes the connection test; the secret is never shown', async () => {
    await page.fill('#aim-add-server [name="host"]', sim.host);
    await page.fill('#aim-add-server [name="port"]', String(sim.port));
    await page.click('#aim-add-server button[type="submit"]');
    const row = page.locator('#aim-servers tbody tr', { hasText: 'pbx' });
    await row.locator('[data-link="connected"]').waitFor();
    await expect(row.textContent()).resolves.toContain(world.server.context.nodeId);
    await expect(page.content()).resolves.not.toContain(AMI_USER.secret);
    await row.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('.notice', { hasText: 'Connected to pbx' }).waitFor();
  });

  test('a phone is mapped from the endpoint pick-list, and a simulated call changes the live table without a reload', async () => {
    await page.fill('#aim-add-device [name="server"]', 'pbx');
    await page.locator('#aim-endpoints option[value="PJSIP/1001"]').waitFor({ state: 'attached' });
    await page.fill('#aim-add-device [name="device"]', 'PJSIP/1001');
    await page.fill('#aim-add-device [name="user"]', 'alice@localhost');
    await page.fill('#aim-add-device [name="extension"]', '1001');
    await page.click('#aim-add-device button[type="submit"]');
    await page.locator('#aim-devices tbody tr', { hasText: 'alice@localhost' }).waitFor();

    const state = page.locator('#aim-states [data-device="PJSIP/1001"]');
    await expect(state.textContent()).resolves.toBe('idle');
    const call = await sim.calls.dial('PJSIP/1002', '1001');
    await page.locator('#aim-states [data-device="PJSIP/1001"]', { hasText: 'ringing' }).waitFor();
    await call.answer();
    await page.locator('#aim-states [data-device="PJSIP/1001"]', { hasText: 'on-call' }).waitFor();
    await page.locator('#aim-states [data-user="alice@localhost"]', { hasText: 'on the phone' }).waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'console-asterisk-im');
    await call.hangup();
    await page.locator('#aim-states [data-device="PJSIP/1001"]', { hasText: 'idle' }).waitFor();
  });

  test("a user's call log shows the answered call and a missed one, newest first, and the voicemail counts", async () => {
    const missed = await sim.calls.dial('PJSIP/1002', '1001', { callerIdNum: '1002', callerIdName: 'Bob' });
    await missed.cancel();
    sim.setMailbox('1001@default', { newMessages: 3, oldMessages: 1 });
    await page.fill('#aim-call-log [name="user"]', 'alice@localhost');
    // The missed call is written once its hang-up reached the senior: ask again until it is there.
    const rows = page.locator('#aim-calls tbody tr');
    const voicemail = page.locator('#aim-voicemail');
    for (let attempt = 0; (await page.locator('#aim-calls [data-call]').count()) < 2 || (await voicemail.textContent()) !== 'Voicemail: 3 new, 1 old'; attempt++) {
      if (attempt > 50) throw new Error('the call log did not show two calls and the voicemail counts');
      await page.click('#aim-call-log button[type="submit"]');
      await page.waitForTimeout(100);
    }
    expect(await rows.count()).toBe(2);
    await expect(rows.nth(0).textContent()).resolves.toContain('missed');
    await expect(rows.nth(0).textContent()).resolves.toContain('Bob');
    await expect(rows.nth(1).textContent()).resolves.toContain('answered');
    await expect(rows.nth(1).textContent()).resolves.toContain('PJSIP/1001');
    await expect(voicemail.isVisible()).resolves.toBe(true);
  });
});
