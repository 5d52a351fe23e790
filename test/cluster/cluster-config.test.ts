import { spawn } from 'node:child_process';
import path from 'node:path';
import { TestCluster } from '../support/cluster-harness';

const ROOT = path.resolve(__dirname, '../..');

function runStart(configFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server-core/src/cli/main.ts'), 'start', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

describe('clustered mode needs PostgreSQL', () => {
  const cluster = new TestCluster();
  afterAll(() => cluster.stop());

  it('refuses to start a clustered node on the embedded SQLite file, naming the setting and the fix', async () => {
    const result = await runStart(cluster.configFor('lonely', { storage: { kind: 'sqlite' } }));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('storage.kind');
    expect(result.output).toContain('a cluster needs a shared PostgreSQL database');
    expect(result.output).not.toMatch(/^ready/m);
  }, 40000);
});
