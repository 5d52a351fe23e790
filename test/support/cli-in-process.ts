/**
 * Runs the `asterisk-im` command line in the test process, with the commands `main.ts` offers
 * (the server's and the plugins'), capturing what it prints; or as its own process.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { cliCommands } from '../../server-core/src/cli/plugin-commands';
import { runCli } from '../../server-core/src/cli/run-cli';
import { startTestServer, type TestServer } from './server-harness';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) });
  const commands = cliCommands(args, env, (warning) => (stderr += `${warning}\n`));
  const code = await runCli(args, commands, { stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)), stdin: new PassThrough(), env });
  return { code, stdout, stderr };
}

export interface CliServer {
  server: TestServer;
  /** The environment that points the CLI at the server, as an operator's config file would. */
  env: NodeJS.ProcessEnv;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A test server with its admin API on, and a config file in its own folder that names that API
 * and lists the same plugins (so their commands are there).
 */
export async function startCliServer(config: Record<string, unknown> = {}): Promise<CliServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-cli-'));
  const server = await startTestServer({ dataDir, config: { ...config, listeners: { admin: { host: '127.0.0.1', port: 0 } } } });
  const configFile = path.join(dataDir, 'config.json');
  const plugins = config.plugins === undefined ? {} : { plugins: config.plugins };
  fs.writeFileSync(configFile, JSON.stringify({ dataDir, listeners: { admin: { host: '127.0.0.1', port: server.server.addresses.admin.port } }, ...plugins }));
  return {
    server,
    env: { AIM_CONFIG: configFile },
    dataDir,
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = path.join(ROOT, 'server-core/src/cli/main.ts');

/** Runs `asterisk-im` as its own process (as an operator would), with only PATH, HOME and AIM_CONFIG set. */
export function spawnCli(args: string[], options: { configFile?: string; stdin?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  if (options.configFile) env.AIM_CONFIG = options.configFile;
  const child = spawn(TSX, [MAIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A config file in a fresh temporary folder. */
export function tempConfigFile(contents: string | object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-cli-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return file;
}
