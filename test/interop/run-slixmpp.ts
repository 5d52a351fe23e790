import { execFile } from 'node:child_process';
import path from 'node:path';
import { PYTHON_WITH_SLIXMPP as PYTHON } from '../support/test-tools';

/**
 * Runs one of the slixmpp scripts of this folder against a server and resolves with the JSON
 * object it prints last (what each step saw); rejects with its stderr when it fails.
 */
export function runSlixmppScript(script: string, port: number, domain: string, timeoutMs = 60000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [path.join(__dirname, script), String(port), domain], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`slixmpp run of ${script} failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>);
    });
  });
}
