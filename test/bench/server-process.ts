/** Starts a server node in its own process for benchmarks, and reads its memory and CPU from /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  rssBytes(): number;
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startServerProcess(configFile: string, readyPattern = /^ready/m, extraArgs: string[] = []): Promise<ServerProcess> {
  // `AIM_CPU_PROFILE_DIR=<dir>`: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.AIM_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.AIM_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', ...extraArgs, path.join(ROOT, 'server-core/src/cli/main.ts'), 'start', '--config', configFile], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // A server that never got ready must not outlive the benchmark.
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output.slice(-2000)}`)), 60000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (readyPattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output.slice(-2000)}`)));
  });
  await started.catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return processStats(child);
}

/** Memory and CPU of a child process, read from /proc, and a polite stop. */
export function processStats(child: ChildProcess): ServerProcess {
  const pid = child.pid!;
  return {
    child,
    pid,
    rssBytes: () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024,
    cpuSeconds: () => {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10000).unref();
      }),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
