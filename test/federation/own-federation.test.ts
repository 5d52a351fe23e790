/**
 * Two nodes of our own server federating (a.localhost and c.localhost): the certificate path
 * (SASL EXTERNAL, XEP-0178) with certificates from a shared authority, self-signed peers
 * accepted only when listed in insecureDomains, and dialback when neither applies. Prosody
 * is not used here: it would need the same authority and offers nothing more to test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNode, connectClient, passwordOf, chat, bodyIs, eventually, xml, type TestNode, type TestClient } from '../../server-core/testing';
import { freePort } from '../support/prosody';
import { createTestAuthority } from './test-certificates';

jest.setTimeout(60000);

interface Pair {
  a: TestNode;
  c: TestNode;
  alice: TestClient;
  carol: TestClient;
  stop(): Promise<void>;
}

/** Starts a.localhost and c.localhost with static routes to each other and `extra(domain)` as each one's settings. */
async function startPair(extra: (domain: string) => { tls?: Record<string, string>; s2s?: Record<string, unknown> }): Promise<Pair> {
  const [aPort, cPort] = [await freePort(), await freePort()];
  const node = async (domain: string, port: number, peer: string, peerPort: number) => {
    const settings = extra(domain);
    const server = await startNode({
      domain,
      config: {
        ...(settings.tls ? { tls: settings.tls } : {}),
        // The peer's chat service is a domain of its own, at the same server.
        modules: { s2s: { enabled: true, config: { listener: { host: '127.0.0.1', port }, routes: { [peer]: `127.0.0.1:${peerPort}`, [`conference.${peer}`]: `127.0.0.1:${peerPort}` }, ...settings.s2s } } },
      },
    });
    return server;
  };
  const a = await node('a.localhost', aPort, 'c.localhost', cPort);
  const c = await node('c.localhost', cPort, 'a.localhost', aPort);
  await a.createUser('alice', passwordOf('alice'));
  await c.createUser('carol', passwordOf('carol'));
  const alice = await connectClient(a, { username: 'alice', password: passwordOf('alice'), resource: 'r' });
  const carol = await connectClient(c, { username: 'carol', password: passwordOf('carol'), resource: 'r' });
  return {
    a,
    c,
    alice,
    carol,
    async stop() {
      await Promise.all([alice.stop(), carol.stop()]);
      await Promise.all([a.stop(), c.stop()]);
    },
  };
}

const linksOf = async (node: TestNode) => (await node.server.context.services.ref('s2s').current!.links()).map((l) => `${l.direction} ${l.remoteDomain} ${l.authMethod}`).sort();

async function exchange(pair: Pair): Promise<void> {
  await pair.alice.send(chat('carol@c.localhost/r', 'a to c'));
  await pair.carol.waitFor(bodyIs('a to c'), 10000, 'carol: the message from alice');
  await pair.carol.send(chat('alice@a.localhost/r', 'c to a'));
  await pair.alice.waitFor(bodyIs('c to a'), 10000, 'alice: the message from carol');
}

describe('the certificate path', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-s2s-ca-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('certificates from a trusted authority: both directions authenticate with SASL EXTERNAL', async () => {
    const authority = createTestAuthority(path.join(dir, 'ca'));
    const pair = await startPair((domain) => ({ tls: authority.issue(domain), s2s: { caFile: authority.caFile } }));
    try {
      await exchange(pair);
      await eventually('both links on a.localhost', async () => (await linksOf(pair.a)).length === 2);
      expect(await linksOf(pair.a)).toEqual(['incoming c.localhost sasl-external', 'outgoing c.localhost sasl-external']);
      expect(await linksOf(pair.c)).toEqual(['incoming a.localhost sasl-external', 'outgoing a.localhost sasl-external']);
    } finally {
      await pair.stop();
    }
  });

  test('self-signed certificates: accepted for a domain in insecureDomains, dialback for the other', async () => {
    // a.localhost accepts c.localhost's self-signed certificate; c.localhost does not accept a.localhost's.
    const pair = await startPair((domain) => ({ s2s: domain === 'a.localhost' ? { insecureDomains: ['c.localhost'] } : {} }));
    try {
      await exchange(pair);
      await eventually('both links on a.localhost', async () => (await linksOf(pair.a)).length === 2);
      expect(await linksOf(pair.a)).toEqual(['incoming c.localhost sasl-external', 'outgoing c.localhost dialback']);
      expect(await linksOf(pair.c)).toEqual(['incoming a.localhost dialback', 'outgoing a.localhost sasl-external']);
    } finally {
      await pair.stop();
    }
  });
});

test('a component of ours answers a remote user over a link that authenticated the component domain', async () => {
  const pair = await startPair(() => ({}));
  try {
    const info = await pair.carol.iq(xml('iq', { type: 'get', to: 'conference.a.localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), 10000);
    expect(info.attrs.from).toBe('conference.a.localhost');
    expect(info.getChild('query')?.getChildren('identity')[0]?.attrs.category).toBe('conference');
    const outgoing = (await pair.a.server.context.services.ref('s2s').current!.links()).filter((l) => l.direction === 'outgoing');
    expect(outgoing.map((l) => `${l.localDomain} ${l.remoteDomain} ${l.authMethod}`)).toEqual(['conference.a.localhost c.localhost dialback']);
  } finally {
    await pair.stop();
  }
});
