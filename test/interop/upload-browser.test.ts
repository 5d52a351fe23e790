/**
 * XEP-0363 from a browser: a page on another origin puts the file a user picked to the slot's
 * PUT URL with fetch (a CORS preflight, as web clients such as converse.js do), and another
 * user downloads it; an altered URL is refused, with an answer the page can read. The console's
 * Uploads page shows what is stored.
 */
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, signedInPage, startConsoleServer, type ConsoleBrowser, type ConsoleServer } from '../console/console-world';
import { serveOnLoopback, type LoopbackSite } from '../support/loopback-http';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';

const UPLOAD = 'urn:xmpp:http:upload:0';

/** The page a user picks a file on; `upload(url)` puts the picked file there and answers the status. */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>upload</title></head><body>
<input type="file" id="file">
<script>
window.upload = async (url) => {
  const file = document.getElementById('file').files[0];
  const answer = await fetch(url, { method: 'PUT', body: file, headers: { 'Content-Type': file.type } });
  return { status: answer.status, text: await answer.text() };
};
window.download = async (url) => {
  const answer = await fetch(url);
  return { status: answer.status, type: answer.headers.get('content-type'), bytes: Array.from(new Uint8Array(await answer.arrayBuffer())) };
};
</script></body></html>`;

/** Calls one of the page's functions with a URL; what it answers comes back as JSON. */
const inPage = <T>(page: Page, fn: 'upload' | 'download', url: string): Promise<T> => page.evaluate(`${fn}(${JSON.stringify(url)})`) as Promise<T>;

const servePage = () => serveOnLoopback((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));

describe('HTTP File Upload from a browser', () => {
  let server: ConsoleServer;
  let browser: ConsoleBrowser;
  let site: LoopbackSite;
  let alice: TestClient;

  beforeAll(async () => {
    server = await startConsoleServer();
    await server.server.context.stores.accounts.create('alice', 'alice-secret');
    await server.server.context.stores.accounts.create('root', 'root-password', { isAdmin: true });
    alice = await connectClient(server.xmpp, { username: 'alice', password: 'alice-secret', resource: 'browser' });
    site = await servePage();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await alice?.stop();
    await browser?.close();
    await site?.close();
    await server?.stop();
  });

  it('uploads the picked file from another origin, and another user downloads it', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const answer = await alice.iq(xml('iq', { type: 'get', to: 'upload.localhost' }, xml('request', { xmlns: UPLOAD, filename: 'dot.png', size: String(png.length), 'content-type': 'image/png' })));
    const slot = answer.getChild('slot', UPLOAD)!;
    const putUrl = String(slot.getChild('put')!.attrs.url);
    const getUrl = String(slot.getChild('get')!.attrs.url);

    const { page } = await browser.newPage();
    await page.goto(site.url);
    await page.setInputFiles('#file', { name: 'dot.png', mimeType: 'image/png', buffer: png });

    const altered = await inPage<{ status: number; text: string }>(page, 'upload', putUrl.replace(/token=[^&]+/, 'token=forged'));
    expect(altered.status).toBe(403);
    expect(altered.text).toMatch(/no such upload slot/);

    const put = await inPage<{ status: number }>(page, 'upload', putUrl);
    expect(put.status).toBe(201);

    // Another client downloads it (the GET URL needs no account), and the page reads it back across origins too.
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="dot.png"; filename*=UTF-8''dot.png`);
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
    const inBrowser = await inPage<{ status: number; type: string; bytes: number[] }>(page, 'download', getUrl);
    expect(inBrowser).toEqual({ status: 200, type: 'image/png', bytes: [...png] });
  });

  it('shows the stored files per account on the console page', async () => {
    const page = await signedInPage(browser, server.adminUrl);
    await page.locator('header nav a', { hasText: 'Uploads' }).click();
    await page.waitForURL(`${server.adminUrl}/upload`);
    const row = page.locator('#upload-usage tbody tr', { hasText: 'alice' });
    await row.waitFor();
    await expect(row.locator('td').allTextContents()).resolves.toEqual(['alice', '1', '29 B']);
    await expect(page.locator('#upload-total').textContent()).resolves.toBe('1 files, 29 B');
    await screenshot(page, 'console-uploads');
  });
});
