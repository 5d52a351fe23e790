/**
 * The world the console's browser tests run in: a real server with its admin listener on a
 * free loopback port, its log captured (the setup token is printed there), and headless
 * Chromium from the system driven by playwright-core.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parseConfig } from '../../server-core/src/config';
import { startServer, type RunningServer } from '../../server-core/src/server';
import { createLogger } from '../../server-core/src/log';
import type { Cluster } from '../../server-core/src/cluster/types';

import { CHROMIUM, SCREENSHOT_DIR } from '../support/test-tools';

export { CHROMIUM, SCREENSHOT_DIR };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface ConsoleServer {
  server: RunningServer;
  /** `http://127.0.0.1:<port>` of the admin listener. */
  adminUrl: string;
  /** Client-facing addresses for @xmpp/client. */
  xmpp: { domain: string; c2sPort: number; directTlsPort: number; websocketUrl: string };
  dataDir: string;
  /** Parsed JSON log lines written so far. */
  logLines(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startConsoleServer(options: { plugins?: unknown[]; modules?: Record<string, unknown>; dataDir?: string; cluster?: Cluster } = {}): Promise<ConsoleServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aim-console-'));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const config = parseConfig(
    {
      domain: 'localhost',
      dataDir,
      listeners: {
        c2s: { host: '127.0.0.1', port: 0 },
        c2sDirectTls: { host: '127.0.0.1', port: 0 },
        websocket: { host: '127.0.0.1', port: 0 },
        admin: { host: '127.0.0.1', port: 0 },
      },
      auth: { loginFailureDelayMs: 50 },
      plugins: options.plugins ?? [],
      modules: options.modules ?? {},
    },
    { baseDir: dataDir },
  );
  const server = await startServer(config, { logger: createLogger({ level: 'info', destination }), cluster: options.cluster });
  const { c2s, c2sDirectTls, websocket, admin } = server.addresses;
  return {
    server,
    adminUrl: `http://127.0.0.1:${admin.port}`,
    xmpp: { domain: server.domain, c2sPort: c2s.port, directTlsPort: c2sDirectTls.port, websocketUrl: `ws://127.0.0.1:${websocket.port}/xmpp-websocket` },
    dataDir,
    logLines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: async () => {
      await server.stop();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ConsoleBrowser {
  browser: Browser;
  /** A fresh browser context (own cookies) with one page. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** Chromium from the system; `launch` gives it a fresh throwaway profile (user-data-dir) each time. */
export async function launchBrowser(): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      return { context, page };
    },
    async close() {
      await browser.close();
    },
  };
}

export async function signIn(page: Page, adminUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${adminUrl}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('#login-form button[type="submit"]');
}

/** Saves a small PNG of the page (under .tmp/screenshots; `npm run docs:images` saves them for the docs). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}

/**
 * The error shown next to a field once the page has rendered one: forms answer asynchronously,
 * so reading the element right after the click would race the server's answer.
 */
export async function fieldError(page: Page, selector: string, timeoutMs = 5000): Promise<string> {
  const error = page.locator(selector);
  await error.filter({ hasText: /\S/ }).waitFor({ timeout: timeoutMs });
  return (await error.textContent()) ?? '';
}

/** A page signed in as the administrator `root` (password `root-password`), confirming every dialog, on the cluster page. */
export async function signedInPage(browser: ConsoleBrowser, adminUrl: string): Promise<Page> {
  const { page } = await browser.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, adminUrl, 'root', 'root-password');
  await page.waitForURL(`${adminUrl}/cluster`);
  return page;
}
