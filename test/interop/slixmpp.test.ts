/**
 * The same chat as the @xmpp/client tests, driven by an independent client library
 * (Debian's python3-slixmpp), to catch what one library forgives.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server-harness';
import { PYTHON_WITH_SLIXMPP as PYTHON } from '../support/test-tools';


function runScript(port: number, domain: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [path.join(__dirname, 'slixmpp_chat.py'), String(port), domain], { timeout: 40000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`slixmpp run failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('interoperability with slixmpp', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('alice', 'alice-pw');
    await server.createUser('bob', 'bob-pw');
    const both = (jid: string) => ({ jid, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: ['Friends'] });
    await server.server.context.stores.rosters.put('alice', both('bob@localhost'));
    await server.server.context.stores.rosters.put('bob', both('alice@localhost'));
  });
  afterAll(() => server.stop());

  it('logs in with SCRAM-SHA-256 over STARTTLS, sees the contact and exchanges messages', async () => {
    const out = await runScript(server.c2sPort, server.domain);
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.alice.mechanism).toBe('SCRAM-SHA-256');
    expect(result.alice.roster).toEqual(['bob@localhost']);
    expect(result.alice.presence_from).toContain('bob@localhost');
    expect(result.bob.presence_from).toContain('alice@localhost');
    expect(result.bob.messages).toEqual([{ from: 'alice@localhost', body: 'hello from alice' }]);
    expect(result.alice.messages).toEqual([{ from: 'bob@localhost', body: 'hello from bob' }]);
  }, 60000);
});
