/**
 * `ctx.sessions`: read-only views of this node's sessions, and the verbs a plugin may use on
 * them. Two nodes share a cluster through Redis; each has its own database, holding the rosters.
 */
import path from 'node:path';
import { Element } from 'ltx';
import { TestClusterWorld } from '../../testing/cluster-world';
import type { RosterItem } from '../storage';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { connectClient, xml, type TestClient } from '../../../test/support/xmpp-client';
import { probe } from '../../test/plugins/session-verbs';
import type { PluginContext } from './types';
import { eventually } from '../../testing/eventually';

const PLUGIN = { name: 'session-verbs', path: path.join(__dirname, '../../test/plugins/session-verbs') };
const USERS = ['alice', 'bob', 'carol'];
const password = (user: string) => `${user}-password`;
const friend = (jid: string): RosterItem => ({ jid, name: null, subscription: 'both', askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
const statusFrom = (from: string, status: string) => (stanza: Element) => stanza.name === 'presence' && stanza.attrs.from === from && stanza.getChildText('status') === status;

describe('ctx.sessions', () => {
  const cluster = new TestClusterWorld();
  let a: TestServer;
  let b: TestServer;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let ctxA: PluginContext;
  let aliceJid: string;

  beforeAll(async () => {
    a = await startTestServer({ cluster: cluster.node('node-a'), config: { plugins: [PLUGIN] } });
    b = await startTestServer({ cluster: cluster.node('node-b'), config: { plugins: [PLUGIN] } });
    const domain = a.domain;
    for (const server of [a, b]) {
      for (const user of USERS) await server.createUser(user, password(user));
      for (const user of USERS) for (const other of USERS) if (other !== user) await server.server.context.stores.rosters.put(user, friend(`${other}@${domain}`));
    }
    alice = await connectClient(a, { username: 'alice', password: password('alice'), resource: 'pc' });
    carol = await connectClient(a, { username: 'carol', password: password('carol'), resource: 'pc' });
    bob = await connectClient(b, { username: 'bob', password: password('bob'), resource: 'pc' });
    aliceJid = alice.jid;
    for (const client of [bob, carol]) await client.send(xml('presence', {}, xml('status', {}, 'here')));
    await alice.send(xml('presence', {}, xml('priority', {}, '5'), xml('status', {}, 'at my desk')));
    for (const contact of [bob, carol]) await contact.waitFor(statusFrom(aliceJid, 'at my desk'));
    ctxA = probe.contexts.get(a.server.context.nodeId)!;
    expect(ctxA).toBeDefined();
  });

  afterAll(async () => {
    for (const client of [alice, bob, carol]) await client?.stop();
    await b?.stop();
    await a?.stop();
    await cluster.stopAll();
  });

  test('hands out read-only views that follow the session', () => {
    const view = ctxA.sessions.get(aliceJid)!;
    expect(view).toMatchObject({ fullJid: aliceJid, bareJid: `alice@${a.domain}`, username: 'alice', resource: 'pc', node: a.server.context.nodeId, priority: 5, available: true, isEnded: false });
    expect(view.presence?.getChildText('status')).toBe('at my desk');
    for (const member of ['handle', 'deliver', 'kick', 'stream', 'publishPresence']) expect(member in view).toBe(false);
    expect(ctxA.sessions.ofUser(`alice@${a.domain}`)).toEqual([view]);
    expect(ctxA.sessions.all()).toContain(view);
    expect(ctxA.sessions.size).toBe(2);
    // Events hand over the same views.
    expect(probe.available).toContain(view);
  });

  test('a plugin cannot change a session through its view', () => {
    const session = a.server.context.sessions.get(aliceJid)!;
    const view = ctxA.sessions.get(aliceJid)!;
    expect(() => ((view as { priority: number }).priority = -1)).toThrow(TypeError);
    expect(() => ((view as { available: boolean }).available = false)).toThrow(TypeError);
    expect(() => ((view as { fullJid: string }).fullJid = 'mallory@localhost/pc')).toThrow(TypeError);
    view.presence!.getChild('status')!.children = ['changed'];
    expect(session.presence?.getChildText('status')).toBe('at my desk');
    expect(view.presence?.getChildText('status')).toBe('at my desk');
    expect(session).toMatchObject({ priority: 5, available: true, fullJid: aliceJid });
  });

  test('publishPresence broadcasts like the client would, to contacts on this node and on another', async () => {
    const seenBefore = probe.intercepted.length;
    const phone = new Element('presence').c('show').t('dnd').up().c('status').t('on the phone').up().c('priority').t('5').root();
    expect(await ctxA.sessions.publishPresence(aliceJid, phone)).toBe(true);
    const [onB, onA] = await Promise.all([bob.waitFor(statusFrom(aliceJid, 'on the phone')), carol.waitFor(statusFrom(aliceJid, 'on the phone'))]);
    for (const got of [onB, onA]) expect(got.getChildText('show')).toBe('dnd');
    // The session's own state took it, as from the client.
    expect(ctxA.sessions.get(aliceJid)?.presence?.getChildText('status')).toBe('on the phone');
    // The publishing plugin's own interceptor did not see it; what the client sends it still sees.
    expect(probe.intercepted.slice(seenBefore)).toEqual([]);
    await alice.send(xml('presence', {}, xml('priority', {}, '5'), xml('status', {}, 'back')));
    await bob.waitFor(statusFrom(aliceJid, 'back'));
    expect(probe.intercepted.slice(seenBefore)).toEqual(['back']);
    // Nothing was faked as client input: the client itself never got an error or a kick.
    expect(alice.received.some((s) => s.attrs.type === 'error')).toBe(false);
  });

  test('publishPresence refuses what is not broadcast presence, and answers false for a resource not bound here', async () => {
    await expect(ctxA.sessions.publishPresence(aliceJid, new Element('presence', { to: bob.jid }))).rejects.toThrow(TypeError);
    await expect(ctxA.sessions.publishPresence(aliceJid, new Element('presence', { type: 'subscribe' }))).rejects.toThrow(TypeError);
    await expect(ctxA.sessions.publishPresence(aliceJid, new Element('message'))).rejects.toThrow(TypeError);
    expect(await ctxA.sessions.publishPresence(bob.jid, new Element('presence'))).toBe(false);
    expect(() => ctxA.sessions.send(`alice@${a.domain}`, new Element('message'))).toThrow(TypeError);
  });

  test('send delivers to a resource on this node, from the domain', async () => {
    expect(ctxA.sessions.send(aliceJid, new Element('message', { type: 'headline' }).c('body').t('from the plugin').root())).toBe(true);
    const got = await alice.waitFor((s) => s.name === 'message' && s.getChildText('body') === 'from the plugin');
    expect(got.attrs).toMatchObject({ from: a.domain, to: aliceJid });
    expect(ctxA.sessions.send(bob.jid, new Element('message'))).toBe(false);
  });

  test('kick ends a resource on another node with policy-violation and the reason', async () => {
    const ended = new Promise<{ condition: string; text: string | undefined }>((resolve) =>
      bob.raw.on('element', (element: Element) => {
        if (element.name === 'stream:error') resolve({ condition: element.children.map((c) => (typeof c === 'string' ? '' : c.name)).find((n) => n && n !== 'text') ?? '', text: element.getChildText('text') ?? undefined });
      }),
    );
    expect(await ctxA.sessions.kick(bob.jid, 'removed by the plugin')).toBe(true);
    expect(await ended).toEqual({ condition: 'policy-violation', text: 'removed by the plugin' });
    await eventually('bob gone from the route table', () => a.server.context.routes.resourcesOf(`bob@${a.domain}`).length === 0, 5000);
    expect(await ctxA.sessions.kick(bob.jid, 'again')).toBe(false);
  });
});
