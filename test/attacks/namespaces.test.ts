/**
 * XML that namespace-aware parsers refuse (RFC 6120 11, XML Namespaces 1.0) never reaches
 * another user: the sender's stream ends with not-well-formed (RFC 6120 4.9.3.13), the
 * recipient sees nothing of it, and the server keeps serving both.
 */
import { startTestServer, type TestServer } from '../support/server-harness';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';
import { HonestClient, MAX_HONEST_SLOWDOWN, streamHeader } from './attack-kit';
import { RAW_SIGN_IN_CONFIG, RawWebSocket, rawSession } from './raw-session';

let server: TestServer;
let honest: HonestClient;
let bob: TestClient;
let marker = 0;

beforeAll(async () => {
  server = await startTestServer({ config: RAW_SIGN_IN_CONFIG });
  await server.createUser('mallory', 'secret-m');
  await server.createUser('bob', 'secret-b');
  await server.createUser('honest', 'secret-1');
  honest = await HonestClient.connect(server, 'honest', 'secret-1');
  await honest.baseline();
  bob = await connectClient(server, { username: 'bob', password: 'secret-b', resource: 'desk' });
});

afterAll(async () => {
  await Promise.all([honest.stop(), bob.stop()]);
  await server.stop();
});

/** Sends a marker message to bob from the honest client and resolves once bob has it: all that was sent before has arrived. */
async function markerReachesBob(): Promise<void> {
  marker += 1;
  const body = `marker ${marker}`;
  await honest.client.send(xml('message', { to: 'bob@localhost/desk', type: 'chat' }, xml('body', {}, body)));
  await bob.waitFor((s) => s.is('message') && s.getChildText('body') === body);
}

function fromMallory(): number {
  return bob.received.filter((s) => (s.attrs.from ?? '').startsWith('mallory@')).length;
}

const hostile: Array<[string, string]> = [
  ['an unbound element prefix', "<message to='bob@localhost/desk' type='chat'><body>hi</body><zz:b/></message>"],
  ['an unbound attribute prefix', "<message to='bob@localhost/desk' type='chat' zz:a='1'><body>hi</body></message>"],
  ['a name with two colons', "<message to='bob@localhost/desk' type='chat' xmlns:a='urn:a'><a:b:c/></message>"],
  ['duplicate expanded attributes', "<message to='bob@localhost/desk' type='chat' xmlns:a='urn:x' xmlns:b='urn:x' a:q='1' b:q='2'/>"],
  ['duplicate attributes', "<message to='bob@localhost/desk' type='chat' type='normal'/>"],
  ['a declaration of xmlns:xmlns', "<message to='bob@localhost/desk' type='chat' xmlns:xmlns='urn:x'/>"],
  ['an empty prefix declaration', "<message to='bob@localhost/desk' type='chat' xmlns:x=''/>"],
  ['a rebound xml prefix', "<message to='bob@localhost/desk' type='chat' xmlns:xml='urn:x'><body xml:lang='en'>hi</body></message>"],
  ['a prefix bound to the xmlns namespace', "<message to='bob@localhost/desk' type='chat' xmlns:x='http://www.w3.org/2000/xmlns/'/>"],
  ['an element with the xmlns prefix', "<message to='bob@localhost/desk' type='chat'><xmlns:x/></message>"],
  ['an empty local name', "<message to='bob@localhost/desk' type='chat' xmlns:a='urn:a'><a:/></message>"],
  ['unbound prefixes in presence', "<presence><zz:status>away</zz:status></presence>"],
  ['unbound prefixes in a vCard', "<iq type='set' id='v1'><vCard xmlns='vcard-temp'><zz:FN>x</zz:FN></vCard></iq>"],
];

describe.each(hostile)('%s', (_name, stanza) => {
  test('ends the sender stream with not-well-formed and never reaches the recipient', async () => {
    const mallory = await rawSession(server, 'mallory', 'secret-m', 'evil');
    const before = fromMallory();
    await mallory.write(stanza);
    expect(await mallory.streamError()).toBe('not-well-formed');
    await markerReachesBob();
    expect(fromMallory()).toBe(before);
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
    await mallory.dispose();
  });
});

test('a stored vCard sent with an unbound prefix is not stored', async () => {
  const mallory = await rawSession(server, 'mallory', 'secret-m', 'evil');
  await mallory.write("<iq type='set' id='v2'><vCard xmlns='vcard-temp'><FN>Mallory</FN><zz:X/></vCard></iq>");
  expect(await mallory.streamError()).toBe('not-well-formed');
  const card = await honest.client.iq(xml('iq', { type: 'get', to: 'mallory@localhost' }, xml('vCard', { xmlns: 'vcard-temp' })));
  expect(card.toString()).not.toContain('zz:X');
  await mallory.dispose();
});

test('a prefix bound on the stream header is declared on the relayed element, so the recipient can parse it alone', async () => {
  const header = streamHeader(server.domain).replace('<stream:stream ', "<stream:stream xmlns:ext='urn:example:ext' ");
  const mallory = await rawSession(server, 'mallory', 'secret-m', 'prefixes', header);
  await mallory.write("<message to='bob@localhost/desk' type='chat' id='p1'><body>prefixed</body><ext:note ext:level='2'>n</ext:note></message>");
  const got = await bob.waitFor((s) => s.is('message') && s.attrs.id === 'p1');
  const note = got.getChild('note', 'urn:example:ext');
  expect(note?.attrs['xmlns:ext']).toBe('urn:example:ext');
  expect(note?.attrs['ext:level']).toBe('2');
  await mallory.dispose();
});

test('over WebSocket, an unbound prefix ends the stream with not-well-formed and never reaches the recipient', async () => {
  const mallory = await RawWebSocket.session(server, 'mallory', 'secret-m', 'ws-evil');
  const before = fromMallory();
  await mallory.send("<message xmlns='jabber:client' to='bob@localhost/desk' type='chat'><body>hi</body><zz:b/></message>");
  expect(await mallory.streamError()).toBe('not-well-formed');
  await markerReachesBob();
  expect(fromMallory()).toBe(before);
});
