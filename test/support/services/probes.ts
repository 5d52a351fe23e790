/** Quick checks of what the tests need, each answering in well under a second. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { Client } from 'pg';

/** True when Redis answers PING (a port taken by something else does not count). */
export function redisAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.once('error', () => done(false));
  });
}

/** Why the database at `url` cannot be used, or null when a query runs. */
export async function postgresProblem(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when `python` imports slixmpp. */
export function pythonHasSlixmpp(python: string): Promise<boolean> {
  return new Promise((resolve) => execFile(python, ['-c', 'import slixmpp'], { timeout: 10_000 }, (error) => resolve(!error)));
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` found on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && isExecutable(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}
