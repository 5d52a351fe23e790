/**
 * converse.js (the npm package's prebuilt bundle) in Chromium, over the server's WebSocket:
 * alice logs in, converse initialises OMEMO (generates its keys, publishes its device list and
 * bundle with publish-options access_model open); bob, a contact on another client, is told of
 * the device list, and carol, a stranger, fetches both. This is the flow that failed while PEP refused every access_model but presence.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Element } from 'ltx';
import { eventually } from '../../server-core/testing';
import { capsSettled } from '../../server-core/testing/world';
import { getItems, itemsOf } from '../../server-core/testing/pep-steps';
import { chatClientCaps } from '../support/client-caps';
import { launchBrowser, type ConsoleBrowser } from '../console/console-world';
import { serveOnLoopback, type LoopbackSite } from '../support/loopback-http';
import { startTestServer, type TestServer } from '../support/server-harness';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';

const AXOLOTL = 'eu.siacs.conversations.axolotl';
const EVENT = 'http://jabber.org/protocol/pubsub#event';
const DIST = path.resolve(__dirname, '../../node_modules/converse.js/dist');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg' };

/** The page converse runs in, configured for this server's WebSocket and alice's account. */
function page(websocketUrl: string): string {
  const settings = {
    websocket_url: websocketUrl,
    jid: 'alice@localhost',
    password: 'alice-secret',
    auto_login: true,
    discover_connection_methods: false,
    assets_path: '/dist/',
    view_mode: 'fullscreen',
    omemo_default: true,
    loglevel: 'debug',
    play_sounds: false,
    allow_non_roster_messaging: true,
  };
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/dist/converse.min.css">
</head><body class="converse-fullscreen">
<script type="module">import converse from '/dist/converse.min.js'; converse.initialize(${JSON.stringify(settings)});</script></body></html>`;
}

/** Serves the page and converse's dist folder on a free loopback port. */
function serveConverse(websocketUrl: string): Promise<LoopbackSite> {
  return serveOnLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(websocketUrl));
      return;
    }
    const file = path.join(DIST, path.normalize(decodeURIComponent(url.pathname.replace(/^\/dist\//, ''))));
    if (!file.startsWith(DIST) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
}


describe('converse.js initialises OMEMO against the server', () => {
  let server: TestServer;
  let browser: ConsoleBrowser;
  let site: LoopbackSite;
  let bob: TestClient;
  let carol: TestClient;
  const browserLog: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('alice', 'alice-secret');
    await server.createUser('bob', 'bob-secret');
    const both = (jid: string) => ({ jid, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
    await server.server.context.stores.rosters.put('alice', both('bob@localhost'));
    await server.server.context.stores.rosters.put('bob', both('alice@localhost'));
    site = await serveConverse(server.websocketUrl);
    browser = await launchBrowser();
    await server.createUser('carol', 'carol-secret');
    // bob follows OMEMO device lists, as an OMEMO client does (XEP-0163 filtered notifications).
    bob = await connectClient(server, { username: 'bob', password: 'bob-secret', resource: 'other-client', caps: chatClientCaps(`${AXOLOTL}.devicelist`) });
    await bob.send(xml('presence'));
    await bob.waitFor((s) => s.is('presence') && s.attrs.from === bob.jid, 5000, "bob's own presence");
    await capsSettled(bob, 'localhost');
    carol = await connectClient(server, { username: 'carol', password: 'carol-secret', resource: 'stranger' });
  });
  afterAll(async () => {
    await bob?.stop();
    await carol?.stop();
    await browser?.close();
    await site?.close();
    await server?.stop();
  });

  it('publishes its device list and bundle: a contact is told, a stranger fetches both', async () => {
    const { page: tab } = await browser.newPage();
    tab.on('console', (message) => browserLog.push(`${message.type()}: ${message.text()}`));
    tab.on('pageerror', (error) => browserLog.push(`pageerror: ${error.message}`));
    await tab.goto(site.url);

    let deviceIds: string[] = [];
    await eventually(
      `converse publishes alice's OMEMO device list (browser log tail: ${browserLog.slice(-5).join(' | ')})`,
      async () => {
        const list = itemsOf(await bob.iq(getItems('alice@localhost', `${AXOLOTL}.devicelist`)))[0]?.getChild('list', AXOLOTL);
        deviceIds = list?.getChildren('device').map((device) => String(device.attrs.id)) ?? [];
        return deviceIds.length > 0;
      },
      { timeoutMs: 45000, intervalMs: 500 },
    );
    expect(deviceIds).toHaveLength(1);
    expect(deviceIds[0]).toMatch(/^\d+$/);
    const event = await bob.waitFor((s) => s.is('message') && s.attrs.from === 'alice@localhost' && s.getChild('event', EVENT)?.getChild('items')?.attrs.node === `${AXOLOTL}.devicelist`, 5000, 'the device list event at bob');
    expect(event.getChild('event', EVENT)!.getChild('items')!.getChild('item')!.getChild('list', AXOLOTL)!.getChild('device')!.attrs.id).toBe(deviceIds[0]);

    let bundle: Element | undefined;
    await eventually(
      "converse publishes the device's bundle",
      async () => {
        // carol, who is no contact, reads it too: converse published it with access_model open.
        bundle = itemsOf(await carol.iq(getItems('alice@localhost', `${AXOLOTL}.bundles:${deviceIds[0]}`)))[0]?.getChild('bundle', AXOLOTL);
        return bundle !== undefined;
      },
      { timeoutMs: 20000, intervalMs: 500 },
    );
    expect(bundle!.getChildText('identityKey')).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect(bundle!.getChild('signedPreKeyPublic')?.attrs.signedPreKeyId).toBeDefined();
    expect(bundle!.getChild('prekeys')?.getChildren('preKeyPublic').length).toBeGreaterThan(0);
    expect(itemsOf(await carol.iq(getItems('alice@localhost', `${AXOLOTL}.devicelist`)))[0]?.attrs.id).toBe('current');
  }, 90000);
});
