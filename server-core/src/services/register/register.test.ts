/**
 * What a client meets before login (in-band registration, the server's caps) and over HTTP
 * (host-meta), on a real node: raw TCP and TLS for the pre-login exchange, @xmpp/client after.
 */
import net from 'node:net';
import tls from 'node:tls';
import { parse, type Element } from 'ltx';
import { XmlStreamParser, type XmlLimits } from '../../xml';
import { startNode, connectClient, eventually, xml, type TestNode } from '../../../testing';
import { SERVER_CAPS_NODE } from '../caps';

const LIMITS: XmlLimits = { maxStanzaBytes: 1 << 20, maxDepth: 64, maxAttributes: 64 };

/** A pre-login client stream, parsed with the server's own stream parser. */
class RawStream {
  private readonly parser = new XmlStreamParser('stream', LIMITS);
  private readonly elements: Element[] = [];
  constructor(private socket: net.Socket | tls.TLSSocket) {
    this.parser.on('stanza', (element) => this.elements.push(element));
    socket.on('data', (chunk: Buffer) => this.parser.write(chunk.toString()));
  }
  send(text: string): void {
    this.socket.write(text);
  }
  open(domain: string): void {
    this.parser.reset();
    this.send(`<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}' version='1.0'>`);
  }
  /** The first element named `name` not taken yet, waiting for it when it has not arrived. */
  async element(name: string, timeoutMs = 5000): Promise<Element> {
    await eventually(`<${name}> from the server`, () => this.elements.some((e) => e.name === name || e.getName() === name), timeoutMs);
    const index = this.elements.findIndex((e) => e.name === name || e.getName() === name);
    return this.elements.splice(index, 1)[0]!;
  }
  async startTls(): Promise<RawStream> {
    this.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    await this.element('proceed');
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: this.socket as net.Socket, rejectUnauthorized: false });
    await new Promise((resolve) => secure.once('secureConnect', resolve));
    return new RawStream(secure);
  }
  close(): void {
    this.socket.destroy();
  }
}

async function rawStream(node: TestNode): Promise<RawStream> {
  const socket = net.connect(node.c2sPort, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const stream = new RawStream(socket);
  stream.open(node.domain);
  return stream;
}

const registerIq = (id: string, username: string, password: string) =>
  `<iq type='set' id='${id}'><query xmlns='jabber:iq:register'><username>${username}</username><password>${password}</password></query></iq>`;

describe('in-band registration, host-meta and the server caps', () => {
  let node: TestNode;
  afterEach(() => node.stop());

  it('refuses registration by default, neither advertising the feature nor accepting an account, until an administrator switches it on', async () => {
    node = await startNode();
    const stream = await rawStream(node);
    const features = await stream.element('features');
    expect(features.getChild('register', 'http://jabber.org/features/iq-register')).toBeUndefined();
    const caps = features.getChild('c', 'http://jabber.org/protocol/caps');
    expect(caps?.attrs.node).toBe(SERVER_CAPS_NODE);
    stream.send(registerIq('r1', 'mallory', 'long-enough-pw'));
    const answer = await stream.element('iq');
    expect(answer.attrs.type).toBe('error');
    expect(answer.getChild('error')?.getChild('not-allowed')).toBeDefined();
    stream.close();
    expect(await node.server.context.stores.accounts.exists('mallory')).toBe(false);

    // The administrator's switch (PUT /api/modules/register/config) applies to the next stream.
    await node.server.plugins.reconfigure('register', { allowRegistration: true });
    const secure = await (await rawStream(node)).startTls();
    secure.open(node.domain);
    expect((await secure.element('features')).getChild('register', 'http://jabber.org/features/iq-register')).toBeDefined();
    secure.send(registerIq('r2', 'mallory', 'long-enough-pw'));
    expect((await secure.element('iq')).attrs.type).toBe('result');
    secure.close();
    expect(await node.server.context.stores.accounts.exists('mallory')).toBe(true);
  });

  it('registers over TLS when switched on, at most the configured number per address', async () => {
    node = await startNode({ config: { modules: { register: { config: { allowRegistration: true, registrationsPerAddressPerHour: 1 } } } } });
    const plain = await rawStream(node);
    expect((await plain.element('stream:features')).getChild('register')).toBeUndefined();
    const stream = await plain.startTls();
    stream.open(node.domain);
    expect((await stream.element('features')).getChild('register', 'http://jabber.org/features/iq-register')).toBeDefined();
    stream.send("<iq type='get' id='f'><query xmlns='jabber:iq:register'/></iq>");
    expect((await stream.element('iq')).getChild('query')?.getChild('password')).toBeDefined();
    stream.send(registerIq('r1', 'newbie', 'short'));
    expect((await stream.element('iq')).getChild('error')?.getChild('not-acceptable')).toBeDefined();
    stream.send(registerIq('r2', 'newbie', 'newbie-password'));
    expect((await stream.element('iq')).attrs.type).toBe('result');
    stream.send(registerIq('r3', 'second', 'second-password'));
    expect((await stream.element('iq')).getChild('error')?.getChild('resource-constraint')).toBeDefined();
    stream.close();
    const client = await connectClient(node, { username: 'newbie', password: 'newbie-password' });
    await client.stop();
    expect(await node.server.context.stores.accounts.exists('second')).toBe(false);
  });

  it('serves host-meta with the WebSocket address, and answers disco#info of the caps node with the same ver', async () => {
    node = await startNode();
    const base = node.websocketUrl.replace(/^ws:/, 'http:').replace(/\/xmpp-websocket$/, '');
    const xrd = await fetch(`${base}/.well-known/host-meta`);
    expect(xrd.status).toBe(200);
    expect(xrd.headers.get('access-control-allow-origin')).toBe('*');
    const link = parse(await xrd.text()).getChild('Link');
    expect(link?.attrs).toEqual({ rel: 'urn:xmpp:alt-connections:websocket', href: node.websocketUrl });
    const jrd = (await (await fetch(`${base}/.well-known/host-meta.json`)).json()) as { links: Array<{ rel: string; href: string }> };
    expect(jrd.links).toEqual([{ rel: 'urn:xmpp:alt-connections:websocket', href: node.websocketUrl }]);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(426);
    // Behind a TLS proxy the address is the proxy's, with wss.
    const proxied = (await (await fetch(`${base}/.well-known/host-meta.json`, { headers: { 'x-forwarded-host': 'chat.example.com', 'x-forwarded-proto': 'https' } })).json()) as { links: Array<{ href: string }> };
    expect(proxied.links[0]!.href).toBe('wss://chat.example.com/xmpp-websocket');

    const stream = await rawStream(node);
    const ver = String((await stream.element('features')).getChild('c')?.attrs.ver);
    stream.close();
    await node.createUser('alice', 'alice-password');
    const alice = await connectClient(node, { username: 'alice', password: 'alice-password' });
    const info = await alice.iq(xml('iq', { type: 'get', to: node.domain }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info', node: `${SERVER_CAPS_NODE}#${ver}` })));
    const features = info.getChild('query')!.getChildren('feature').map((f) => String(f.attrs.var));
    const { createHash } = await import('node:crypto');
    const identity = info.getChild('query')!.getChild('identity')!.attrs;
    const s = `${identity.category}/${identity.type}//${identity.name}<${[...features].sort().map((f) => `${f}<`).join('')}`;
    expect(createHash('sha1').update(s).digest('base64')).toBe(ver);
    await alice.stop();
  });
});
