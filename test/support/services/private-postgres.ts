/**
 * A PostgreSQL of the test run's own, in a temporary folder, on a free loopback port, with trust
 * auth and a `test` database. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user the Debian packages create.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../server-core/testing/redis';

const PACKAGE_ROOT = '/usr/lib/postgresql';

/** The bin folder of the newest PostgreSQL installed from packages, or of initdb on PATH. */
export function findPostgresBin(onPathInitdb: string | undefined): string | undefined {
  if (fs.existsSync(PACKAGE_ROOT)) {
    const versions = fs.readdirSync(PACKAGE_ROOT).filter((name) => fs.existsSync(path.join(PACKAGE_ROOT, name, 'bin', 'initdb')));
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(PACKAGE_ROOT, versions[0], 'bin');
  }
  return onPathInitdb && path.dirname(onPathInitdb);
}

interface RunAs {
  uid: number;
  gid: number;
}

/** As root: the `postgres` account's ids; otherwise nothing to change. Throws when root has no such account. */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error('PostgreSQL does not run as root and there is no "postgres" user to run it as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(bin: string, args: string[], as: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(as ?? {}) });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(bin)} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    readonly folder: string,
    private readonly as: RunAs | undefined,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/test`;
  }

  static async start(bin: string): Promise<PrivatePostgres> {
    const as = runAs();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'asterisk-im-test-postgres-'));
    if (as) fs.chownSync(folder, as.uid, as.gid);
    const server = new PrivatePostgres(bin, folder, as, await freePort());
    try {
      const data = path.join(folder, 'data');
      await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], as);
      const settings = `-p ${server.port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
      await run(path.join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', path.join(folder, 'log'), '-w', '-t', '30', 'start'], as);
      await run(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', 'test'], as);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Stops the server at once (its data is thrown away) and removes the folder. */
  async stop(): Promise<void> {
    const data = path.join(this.folder, 'data');
    if (fs.existsSync(path.join(data, 'postmaster.pid'))) {
      await run(path.join(this.bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], this.as).catch(() => undefined);
    }
    fs.rmSync(this.folder, { recursive: true, force: true });
  }
}
