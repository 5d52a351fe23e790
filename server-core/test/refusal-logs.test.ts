/** Every refused request is named at debug level (who, what, why), never with its payload. */
import { startTestServer, type TestServer } from '../../test/support/server-harness';
import { captureLogs } from '../../test/support/log-capture';
import { ClientPool, xml } from '../../test/support/xmpp-client';

const SECRET_NOTE = 'the combination is 12-34-56';

describe('refusal logs', () => {
  const logs = captureLogs('debug');
  let server: TestServer;
  const pool = new ClientPool(() => server);
  const refusals = () => logs.lines.filter((line) => String(line.msg).startsWith('request refused') || line.msg === 'presence refused');

  beforeAll(async () => {
    server = await startTestServer({ logger: logs.logger });
    for (const user of ['alice', 'bob']) await server.createUser(user, `pw-${user}`);
  });
  afterAll(async () => {
    await pool.stopAll();
    await server?.stop();
  });

  test('an IQ nobody answers: the sender, the payload namespace and the condition, not the payload', async () => {
    const alice = await pool.login('alice', 'pc');
    const request = xml('iq', { type: 'set', to: server.domain, id: 'unknown-1' }, xml('note', { xmlns: 'urn:example:unknown' }, SECRET_NOTE));
    await expect(alice.iq(request)).rejects.toThrow(/service-unavailable/);
    expect(refusals()).toContainEqual(
      expect.objectContaining({ level: 20, from: `alice@${server.domain}/pc`, to: server.domain, kind: 'iq', type: 'set', id: 'unknown-1', payload: 'note urn:example:unknown', condition: 'service-unavailable' }),
    );
    expect(JSON.stringify(logs.lines)).not.toContain(SECRET_NOTE);
  });

  test("a handler's refusal names its condition and text", async () => {
    const alice = await pool.login('alice', 'vcard');
    await expect(alice.iq(xml('iq', { type: 'set', to: `bob@${server.domain}`, id: 'vcard-1' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, SECRET_NOTE))))).rejects.toThrow(/forbidden/);
    expect(refusals()).toContainEqual(expect.objectContaining({ id: 'vcard-1', payload: 'vCard vcard-temp', condition: 'forbidden', text: 'only the owner may change a vCard' }));
    expect(JSON.stringify(logs.lines)).not.toContain(SECRET_NOTE);
  });

  test('a message to a full JID that is not online', async () => {
    const alice = await pool.login('alice', 'chat');
    await alice.send(xml('message', { to: `nobody@${server.domain}`, type: 'chat', id: 'm-1' }, xml('body', {}, SECRET_NOTE)));
    await alice.waitFor((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'm-1');
    expect(refusals()).toContainEqual(expect.objectContaining({ id: 'm-1', kind: 'message', from: `alice@${server.domain}/chat`, condition: 'service-unavailable' }));
    expect(JSON.stringify(logs.lines)).not.toContain(SECRET_NOTE);
  });
});
