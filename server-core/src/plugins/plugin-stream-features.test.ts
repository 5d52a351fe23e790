import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { RAW_SIGN_IN_CONFIG, rawSession } from '../../../test/attacks/raw-session';
import type { RawStream } from '../../../test/attacks/attack-kit';
import { FEATURE_NS } from '../../test/plugins/extension-points';

const PLUGIN = path.join(__dirname, '../../test/plugins/extension-points');

describe('ctx.streamFeatures', () => {
  let server: TestServer;
  const streams: RawStream[] = [];
  const signedIn = async (resource: string) => {
    const stream = await rawSession(server, 'alice', 'wonderland', resource);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    server = await startTestServer({ config: { ...RAW_SIGN_IN_CONFIG, plugins: [{ name: 'extension-points', path: PLUGIN }] } });
    await server.createUser('alice', 'wonderland');
  });
  afterEach(() => streams.splice(0).forEach((stream) => stream.destroy()));
  afterAll(() => server?.stop());

  test("a plugin's feature is advertised after authentication, after the core's, and answers its element once bound", async () => {
    const stream = await signedIn('one');
    const features = stream.received.slice(stream.received.lastIndexOf('<stream:features>'));
    expect(features).toMatch(new RegExp(`<bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/>.*<sub xmlns="urn:xmpp:features:pre-approval"/><c xmlns="http://jabber.org/protocol/caps"[^>]*/><csi xmlns="urn:xmpp:csi:0"/><sm xmlns="urn:xmpp:sm:3"/><echo xmlns="${FEATURE_NS}"/></stream:features>`));
    await stream.write(`<ping xmlns='${FEATURE_NS}'>hello</ping>`);
    await stream.waitForText(`<pong xmlns="${FEATURE_NS}" of="alice">hello</pong>`);
    // Stanzas still reach the session: the server answers a ping IQ.
    await stream.write(`<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await stream.waitForText(`id="p1"`);
  });

  test('once the plugin stops, the feature is neither advertised nor answered', async () => {
    await server.server.plugins.disable('extension-points');
    try {
      const stream = await signedIn('two');
      const features = stream.received.slice(stream.received.lastIndexOf('<stream:features>'));
      expect(features).toContain('urn:xmpp:features:pre-approval');
      expect(features).not.toContain(FEATURE_NS);
      await stream.write(`<ping xmlns='${FEATURE_NS}'>hello</ping>`);
      expect(await stream.streamError()).toBe('unsupported-stanza-type');
    } finally {
      await server.server.plugins.enable('extension-points');
    }
  });
});
