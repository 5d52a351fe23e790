import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = path.join(ROOT, 'server-core/src/cli/main.ts');

function tempConfig(contents: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-start-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(contents));
  return file;
}

function startProcess(configFile: string, ...args: string[]) {
  const child = spawn(TSX, [MAIN, 'start', '--config', configFile, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => /^ready\b/m.test(stdout) && resolve(stdout));
    exited.then((code) => reject(new Error(`start exited with ${code} before it was ready: ${stderr}`)));
  });
  // Awaited only by tests that expect a start; the others check the exit instead.
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

/** One loopback client listener on a free port, nothing else. */
const C2S_ONLY = { c2s: { host: '127.0.0.1', port: 0 }, c2sDirectTls: false, websocket: false, admin: false };

/** Waits for `ready`, checks what was printed, then stops the server with SIGTERM; it must exit with 0. */
async function whileReady(server: ReturnType<typeof startProcess>, check: (printed: string) => void | Promise<void>): Promise<void> {
  try {
    await check(await server.ready);
  } finally {
    server.child.kill('SIGTERM');
  }
  expect(await server.exited).toBe(0);
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('asterisk-im start', () => {
  it('prints where to connect, serves there, and stops cleanly on SIGTERM', async () => {
    const configFile = tempConfig({
      domain: 'example.test',
      dataDir: 'data',
      listeners: { c2s: { port: 0 }, c2sDirectTls: false, websocket: false, admin: false },
      log: { level: 'warn' },
    });
    const server = startProcess(configFile);
    try {
      const printed = await server.ready;
      expect(printed).toContain('Asterisk-IM is serving domain example.test');
      expect(printed).toContain(`data folder ${path.join(path.dirname(configFile), 'data')}`);
      const c2s = /^ {2}c2s listening on (\S+):(\d+)$/m.exec(printed);
      expect(c2s).not.toBeNull();
      expect(await connects(Number(c2s![2]))).toBe(true);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect(server.output().stdout).toMatch(/stopping \(SIGTERM\)\nstopped\n/);
  }, 60_000);

  it('prints the console and the one-time setup link, says which listeners are local, and logs JSON when not on a terminal', async () => {
    const configFile = tempConfig({
      dataDir: 'data',
      listeners: { c2s: { host: '127.0.0.1', port: 0, requireTls: true }, c2sDirectTls: false, websocket: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 } },
    });
    const server = startProcess(configFile);
    try {
      const printed = await server.ready;
      const admin = /^ {2}admin listening on 127\.0\.0\.1:(\d+)$/m.exec(printed)![1];
      const ws = /^ {2}websocket listening on 127\.0\.0\.1:(\d+)/m.exec(printed)![1];
      const c2s = /^ {2}c2s listening on 127\.0\.0\.1:(\d+)$/m.exec(printed)![1];
      expect(printed).toContain(`Clients log in as <user>@localhost on port ${c2s} (STARTTLS), ws://127.0.0.1:${ws}/xmpp-websocket\n`);
      expect(printed).not.toContain('bind all interfaces');
      // Which plugins are bundled depends on the checkout (test/product/bundled-plugins.test.ts checks the list).
      expect(printed).toMatch(/^Plugins running: none(; bundled but off: [a-z, -]+ \(turn one on with: asterisk-im plugin enable <name>\))?$/m);
      expect(printed).toContain(`Admin console: http://127.0.0.1:${admin}/\n`);
      expect(printed).toMatch(new RegExp(`^ {2}no administrator yet: open http://127\\.0\\.0\\.1:${admin}/setup and enter the one-time setup token [\\w-]{20,}$`, 'm'));
      expect(printed).toContain(`admin API token (for the plugin commands): ${path.join(path.dirname(configFile), 'data', 'admin-token')}`);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect(server.output().stdout).toMatch(/^\{"level":30,.*"msg":"server started"\}$/m);
  }, 60_000);

  it('logs readable lines with --log-format pretty', async () => {
    const configFile = tempConfig({ dataDir: 'data', listeners: C2S_ONLY });
    await whileReady(startProcess(configFile, '--log-format', 'pretty'), (printed) => {
      expect(printed).toMatch(/^\d\d:\d\d:\d\d INFO  server started domain=localhost /m);
      expect(printed).not.toMatch(/^\{"level"/m);
    });
  }, 60_000);

  it('does not start when a plugin refuses its config, naming the key; --allow-failed-plugins starts and warns', async () => {
    const configFile = tempConfig({
      dataDir: 'data',
      listeners: C2S_ONLY,
      plugins: [{ name: 'stateful', path: path.join(ROOT, 'server-core/test/plugins/stateful'), config: { label: 'hi', colour: 'red' } }],
    });
    const refused = startProcess(configFile);
    expect(await refused.exited).toBe(1);
    expect(refused.output().stderr).toMatch(/^config error at plugins\[0\]\.config\.colour: unknown key \(known keys here: label\) \(plugin stateful\)\nthe server did not start; .*--allow-failed-plugins\n$/);
    expect(refused.output().stdout).not.toMatch(/^ready/m);

    await whileReady(startProcess(configFile, '--allow-failed-plugins'), (printed) => {
      expect(printed).toMatch(/^warning: plugin config at plugins\[0\]\.config\.colour: unknown key .*\(running without it: --allow-failed-plugins\)\nready/m);
    });
  }, 60_000);

  it('does not start when a plugin fails to start', async () => {
    const configFile = tempConfig({
      dataDir: 'data',
      listeners: C2S_ONLY,
      plugins: [{ name: 'failing', path: path.join(ROOT, 'server-core/test/plugins/failing') }],
    });
    const server = startProcess(configFile);
    expect(await server.exited).toBe(1);
    expect(server.output().stderr).toMatch(/^error: plugin failing failed: .+\nthe server did not start; /);
  }, 60_000);

  it('does not start on an invalid config and says why', async () => {
    const configFile = tempConfig({ cluster: { kind: 'redis', redis: { host: 'redis' } } });
    const server = startProcess(configFile);
    expect(await server.exited).toBe(1);
    expect(server.output().stderr).toMatch(/^config error at storage\.kind: a cluster needs a shared PostgreSQL database/);
  });
});
