/**
 * The archive and in-band registration as an independent client library (Debian's
 * python3-slixmpp) uses them: XEP-0313 paging through its RSM iterator, XEP-0077 password
 * change and account removal.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server-harness';
import { PYTHON_WITH_SLIXMPP as PYTHON } from '../support/test-tools';

function runScript(scenario: string, server: TestServer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [path.join(__dirname, 'slixmpp_mam.py'), scenario, String(server.c2sPort), server.domain], { timeout: 50000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`slixmpp run failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>);
    });
  });
}

describe('slixmpp: archive and in-band registration', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
    await server.createUser('alice', 'alice-pw');
    await server.createUser('bob', 'bob-pw');
  });
  afterEach(() => server.stop());

  it('pages through messages that arrived while another device was online', async () => {
    const result = (await runScript('mam', server)) as { desk: Array<{ body: string; stanza_id: string | null }>; pages: string[][]; filtered_ids: string[] };
    const bodies = Array.from({ length: 12 }, (_, i) => `message ${i + 1}`);
    expect(result.desk.map((m) => m.body)).toEqual(bodies);
    expect(result.pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(result.pages.flat()).toEqual(bodies);
    // The ids the desk got with each message are the archive's ids the phone pages through.
    expect(result.filtered_ids).toEqual(result.desk.map((m) => m.stanza_id));
  }, 60000);

  it('changes a password and removes an account in-band', async () => {
    const result = await runScript('account', server);
    expect(result).toEqual({ ended: true, with_new: 'online', with_old: 'failed_auth', removed: true, after_removal: 'failed_auth' });
    expect(await server.server.context.stores.accounts.exists('bob')).toBe(false);
    expect(await server.server.context.stores.accounts.verifyPassword('alice', 'alice-new-pw')).toBe(true);
  }, 60000);
});
