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

function startProcess(configFile: string) {
  const child = spawn(TSX, [MAIN, 'start', '--config', configFile], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
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

  it('does not start on an invalid config and says why', async () => {
    const configFile = tempConfig({ cluster: { kind: 'redis', redis: { host: 'redis' } } });
    const server = startProcess(configFile);
    expect(await server.exited).toBe(1);
    expect(server.output().stderr).toMatch(/^config error at storage\.kind: a cluster needs a shared PostgreSQL database/);
  });
});
