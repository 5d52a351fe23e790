/**
 * `npm test [-- jest arguments]`: checks the services the tests need (starting private ones when
 * it can), stops at once with one message when something is missing, then runs the type check
 * and Jest with the tests pointed at what it found.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { prepareTestServices } from './services';

const ROOT = path.resolve(__dirname, '../..');

function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve(script, { paths: [ROOT] }), ...args], { cwd: ROOT, env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(): Promise<number> {
  const services = await prepareTestServices();
  try {
    if (services.missing.length > 0) {
      process.stderr.write(
        ['npm test cannot run; missing:', ...services.missing.map((line) => `  - ${line}`), 'Install these (as root, `.ci/run` installs all of them), then run npm test again. See docs/testing.md.', ''].join('\n'),
      );
      return 1;
    }
    process.stdout.write(['tests use:', ...services.report.map((line) => `  ${line}`), ''].join('\n'));
    const env = { ...process.env, ...services.env };
    const typecheck = await run('typescript/bin/tsc', ['-p', 'tsconfig.json', '--noEmit'], env);
    if (typecheck !== 0) return typecheck;
    return await run('jest/bin/jest', ['--runInBand', ...process.argv.slice(2)], env);
  } finally {
    await services.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm test: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
