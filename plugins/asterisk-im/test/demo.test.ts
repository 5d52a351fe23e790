/**
 * `npm run demo` as a newcomer meets it: one real client logged in as the user the demo names
 * sees a contact (kept online by the demo) go "On the phone" while the office scenario plays.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Element } from 'ltx';
import { connectClient, xml, type TestClient } from '@asterisk-im/server-core/testing';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const DEMO = path.join(ROOT, 'plugins/asterisk-im/demo/run-demo.ts');

const presenceOf = (bare: string, status: string) => (stanza: Element) =>
  stanza.is('presence') && String(stanza.attrs.from).startsWith(`${bare}/`) && stanza.getChildText('status') === status;

describe('npm run demo', () => {
  it('keeps the contacts online, so the user it names sees one of them "On the phone" within a minute', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-demo-test-'));
    const demo = spawn(TSX, [DEMO], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, AIM_DEMO_DATA: dataDir, AIM_DEMO_FREE_PORTS: '1' } });
    let stdout = '';
    let stderr = '';
    demo.stdout.on('data', (chunk) => (stdout += chunk));
    demo.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => demo.on('close', resolve));
    let alice: TestClient | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        demo.stdout.on('data', () => /What to watch/.test(stdout) && resolve());
        void exited.then((code) => reject(new Error(`the demo exited with ${code}: ${stderr}`)));
      });
      expect(stdout).toContain('alice@localhost  password alice-demo');
      expect(stdout).toContain('Online already, logged in by the demo: bob@localhost, carol@localhost, dave@localhost');
      const port = Number(/XMPP \(plaintext allowed, loopback only\): 127\.0\.0\.1:(\d+)/.exec(stdout)![1]);

      alice = await connectClient({ domain: 'localhost', c2sPort: port, directTlsPort: 0, websocketUrl: '' }, { username: 'alice', password: 'alice-demo' });
      await alice.send(xml('presence'));
      await alice.waitFor((stanza) => stanza.is('presence') && String(stanza.attrs.from).startsWith('bob@localhost/'), 10_000, "Bob's presence");
      const onThePhone = await alice.waitFor(presenceOf('bob@localhost', 'On the phone'), 60_000, 'Bob "On the phone"');
      expect(onThePhone.getChildText('show')).toBe('away');
    } finally {
      await alice?.stop();
      demo.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    expect(stdout).toContain('[demo] stopped.');
  }, 90_000);
});
