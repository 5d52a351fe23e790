/**
 * XEP-0198 on the wire, byte for byte: what is advertised, the counters both ways, the server's
 * acknowledgement requests, the bound on unacknowledged stanzas, errors, and what ends a
 * session rather than detaching it. Resumption with a real client is in test/interop.
 */
import { startTestServer, type TestServer } from '../../../../test/support/server-harness';
import { RAW_SIGN_IN_CONFIG, RawWebSocket, rawSession } from '../../../../test/attacks/raw-session';
import { RawStream, streamHeader } from '../../../../test/attacks/attack-kit';
import { eventually } from '../../../testing/eventually';
import { parseJid, parseXml } from '../../xml';
import { renderMetrics } from '../../metrics/registry';
import { connectClient } from '../../../../test/support/xmpp-client';

const SM = "xmlns='urn:xmpp:sm:3'";
const ping = (id: string) => `<iq type='get' id='${id}'><ping xmlns='urn:xmpp:ping'/></iq>`;
const count = (text: string, what: string) => text.split(what).length - 1;

/** Signed in with SASL PLAIN, the stream restarted, not bound: where a resumption is asked. */
async function signedInUnbound(server: TestServer, username: string, password: string): Promise<RawStream> {
  const raw = await RawStream.open(server);
  await raw.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from(`\u0000${username}\u0000${password}`).toString('base64')}</auth>`);
  await raw.waitForText('<success');
  await raw.write(streamHeader(server.domain));
  await raw.waitForText('urn:ietf:params:xml:ns:xmpp-bind');
  return raw;
}

async function enabled(raw: RawStream, resume = true): Promise<string> {
  await raw.write(`<enable ${SM}${resume ? " resume='true'" : ''}/>`);
  await raw.waitForText('<enabled');
  return /<enabled [^>]*id="([^"]+)"/.exec(raw.received)?.[1] ?? '';
}

describe('stream management on the wire', () => {
  let server: TestServer;
  const streams: RawStream[] = [];
  const session = async (resource: string) => {
    const stream = await rawSession(server, 'alice', 'wonderland', resource);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    server = await startTestServer({
      config: { ...RAW_SIGN_IN_CONFIG, modules: { 'stream-management': { config: { requestAckAfterStanzas: 3, requestAckAfterMs: 300, maxUnackedStanzas: 10, unackedGraceSeconds: 0, resumeTimeoutSeconds: 120 } } } },
    });
    await server.createUser('alice', 'wonderland');
    await server.createUser('bob', 'builder');
  });
  afterEach(() => streams.splice(0).forEach((stream) => stream.destroy()));
  afterAll(() => server?.stop());

  test('<sm/> is offered once authenticated, next to bind, not before', async () => {
    const raw = await RawStream.open(server);
    streams.push(raw);
    expect(raw.received).not.toContain('urn:xmpp:sm:3');
    const bound = await session('features');
    expect(bound.received).toMatch(/<bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"\/>.*<sm xmlns="urn:xmpp:sm:3"\/>.*<\/stream:features>/);
  });

  test('<enable resume/> answers <enabled/> with an id, resume and the maximum; a second enable fails', async () => {
    const raw = await session('enable');
    await raw.write(`<enable ${SM} resume='true'/>`);
    await raw.waitForText('<enabled');
    expect(raw.received).toMatch(/<enabled xmlns="urn:xmpp:sm:3" id="[\w.-]+" resume="true" max="120"\/>/);
    await raw.write(`<enable ${SM}/>`);
    await raw.waitForText('<failed');
    expect(raw.received).toContain('<unexpected-request xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>');
  });

  test('a client asking for a shorter maximum gets it; without resume there is no id', async () => {
    const short = await session('short');
    await short.write(`<enable ${SM} resume='1' max='30'/>`);
    await short.waitForText('<enabled');
    expect(short.received).toMatch(/<enabled [^>]*max="30"\/>/);
    const plain = await session('plain');
    await plain.write(`<enable ${SM}/>`);
    await plain.waitForText('<enabled');
    expect(plain.received).toContain('<enabled xmlns="urn:xmpp:sm:3"/>');
  });

  test('enable before bind fails; r and a before enable fail', async () => {
    const unbound = await signedInUnbound(server, 'alice', 'wonderland');
    streams.push(unbound);
    await unbound.write(`<enable ${SM}/>`);
    await unbound.waitForText('<failed');
    expect(unbound.received).toContain('unexpected-request');
    const raw = await session('not-enabled');
    await raw.write(`<r ${SM}/>`);
    await raw.waitForText('<failed');
    expect(raw.received).toContain('stream management is not enabled');
  });

  test('the server counts what it handled: <r/> is answered with h = stanzas since <enable/>', async () => {
    const raw = await session('inbound');
    await enabled(raw, false);
    for (const id of ['p1', 'p2', 'p3', 'p4']) await raw.write(ping(id));
    await raw.write(`<r ${SM}/>`);
    await raw.waitForText('<a xmlns="urn:xmpp:sm:3" h="4"/>');
    // The answer comes after the four results: each stanza before <r/> was handled first.
    expect(raw.received.indexOf('<a xmlns="urn:xmpp:sm:3" h="4"/>')).toBeGreaterThan(raw.received.indexOf('id="p4"'));
  });

  test('the server asks for an acknowledgement after N stanzas and after a delay, and takes acknowledgements', async () => {
    const raw = await session('outbound');
    await enabled(raw, false);
    for (const id of ['q1', 'q2', 'q3']) await raw.write(ping(id));
    await raw.waitForText('<r xmlns="urn:xmpp:sm:3"/>');
    // Requested once the third unacknowledged stanza went out, not before.
    expect(raw.received.indexOf('<r xmlns="urn:xmpp:sm:3"/>')).toBeGreaterThan(raw.received.indexOf('id="q3"'));
    await raw.write(`<a ${SM} h='3'/>`);
    const mark = raw.received.length;
    await raw.write(ping('q4'));
    // One stanza, below N: the request comes from the timer (300 ms).
    await eventually('a timed <r/>', () => raw.received.slice(mark).includes('<r xmlns="urn:xmpp:sm:3"/>'), 3000);
    await raw.write(`<a ${SM} h='4'/>`);
    await raw.write(ping('q5'));
    await raw.waitForText('id="q5"');
    expect(raw.closed).toBe(false);
  });

  test('acknowledging more than was sent is a stream error (undefined-condition)', async () => {
    const raw = await session('too-high');
    await enabled(raw, false);
    await raw.write(ping('x1'));
    await raw.waitForText('id="x1"');
    await raw.write(`<a ${SM} h='7'/>`);
    expect(await raw.streamError()).toBe('undefined-condition');
    expect(raw.received).toContain('you acknowledged 7 stanzas, but only 1 were sent');
  });

  test('more unacknowledged stanzas than the bound closes the stream with policy-violation', async () => {
    const raw = await session('bound');
    await enabled(raw, false);
    for (let i = 0; i < 11; i++) await raw.write(ping(`b${i}`));
    expect(await raw.streamError()).toBe('policy-violation');
    expect(raw.received).toContain('more than 10 stanzas unacknowledged');
    await eventually('the session ended', () => server.server.context.sessions.get('alice@localhost/bound') === undefined);
  });

  test('with a grace, a burst may outgrow the bound while the client catches up; one that never acknowledges is cut off', async () => {
    const settings = { requestAckAfterStanzas: 3, requestAckAfterMs: 300, maxUnackedStanzas: 10, resumeTimeoutSeconds: 120 };
    await server.server.plugins.reconfigure('stream-management', { ...settings, unackedGraceSeconds: 1 });
    try {
      const raw = await session('grace');
      await enabled(raw, false);
      for (let i = 0; i < 15; i++) await raw.write(ping(`g${i}`));
      await raw.waitForText('id="g14"');
      await raw.write(`<a ${SM} h='15'/>`);
      await raw.write(ping('g15'));
      await raw.waitForText('id="g15"');
      expect(raw.closed).toBe(false);
      // Now eleven more that are never acknowledged: once the oldest waited a second, the next stanza closes the stream.
      for (let i = 16; i < 27; i++) await raw.write(ping(`g${i}`));
      let n = 27;
      await eventually('closed by the bound after the grace', async () => {
        await raw.write(ping(`g${n++}`));
        return raw.closed;
      }, { timeoutMs: 5000, intervalMs: 200 });
      expect(raw.received).toContain('more than 10 stanzas unacknowledged');
    } finally {
      await server.server.plugins.reconfigure('stream-management', { ...settings, unackedGraceSeconds: 0 });
    }
  });

  test('a clean stream end terminates a resumable session; a dropped connection detaches it', async () => {
    const clean = await session('clean');
    await enabled(clean);
    await clean.write('</stream:stream>');
    await clean.whenClosed();
    await eventually('the cleanly closed session ended', () => server.server.context.sessions.get('alice@localhost/clean') === undefined);

    const dropped = await session('dropped');
    await enabled(dropped);
    dropped.destroy();
    await eventually('the dropped session detached', () => server.server.context.sessions.get('alice@localhost/dropped')?.isDetached === true);
  });

  test('resumption answers <resumed/> with the server h and resends the unacknowledged stanzas', async () => {
    const raw = await session('resume');
    const id = await enabled(raw);
    await raw.write(ping('r1'));
    await raw.write(ping('r2'));
    await raw.waitForText('id="r2"');
    raw.destroy();
    await eventually('detached', () => server.server.context.sessions.get('alice@localhost/resume')?.isDetached === true);

    const next = await signedInUnbound(server, 'alice', 'wonderland');
    streams.push(next);
    // The client says it handled one of the two results: the second is sent again.
    await next.write(`<resume ${SM} previd='${id}' h='1'/>`);
    await next.waitForText('<resumed');
    expect(next.received).toContain(`<resumed xmlns="urn:xmpp:sm:3" previd="${id}" h="2"/>`);
    await next.waitForText('id="r2"');
    expect(count(next.received, 'id="r1"')).toBe(0);
    // Still the same session, counting on: one more stanza makes h = 3.
    await next.write(ping('r3'));
    await next.write(`<r ${SM}/>`);
    await next.waitForText('<a xmlns="urn:xmpp:sm:3" h="3"/>');
    const metrics = (await renderMetrics()).text;
    const node = server.server.context.nodeId;
    expect(metrics).toMatch(new RegExp(`aim_sm_resumptions_total\\{node="${node}",result="resumed"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`aim_sm_detached_sessions\\{node="${node}"\\} \\d`));
    // Unknown ids fail.
    const bogus = await signedInUnbound(server, 'alice', 'wonderland');
    streams.push(bogus);
    await bogus.write(`<resume ${SM} previd='nope' h='0'/>`);
    await bogus.waitForText('<failed');
    expect(bogus.received).toContain('<item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>');
  });

  test('resuming while the old connection still looks alive closes the old stream', async () => {
    const old = await session('takeover');
    const id = await enabled(old);
    const next = await signedInUnbound(server, 'alice', 'wonderland');
    streams.push(next);
    await next.write(`<resume ${SM} previd='${id}' h='0'/>`);
    await next.waitForText('<resumed');
    expect(await old.streamError()).toBe('conflict');
    await next.write(ping('t1'));
    await next.waitForText('id="t1"');
    expect(server.server.context.sessions.get('alice@localhost/takeover')?.stream).toBeDefined();
  });

  test('an acknowledgement h that is not a 32-bit unsigned integer is refused', async () => {
    const raw = await session('bad-h');
    await enabled(raw, false);
    await raw.write(`<a ${SM} h='4294967296'/>`);
    expect(await raw.streamError()).toBe('undefined-condition');
  });

  test('a new bind of the same full JID replaces the detached session, whose id then fails', async () => {
    const raw = await session('rebind');
    const id = await enabled(raw);
    raw.destroy();
    await eventually('detached', () => server.server.context.sessions.get('alice@localhost/rebind')?.isDetached === true);
    const detached = server.server.context.sessions.get('alice@localhost/rebind')!;
    const fresh = await session('rebind');
    expect(detached.isEnded).toBe(true);
    const current = server.server.context.sessions.get('alice@localhost/rebind')!;
    expect(current).not.toBe(detached);
    expect(current.isDetached).toBe(false);
    const late = await signedInUnbound(server, 'alice', 'wonderland');
    streams.push(late);
    await late.write(`<resume ${SM} previd='${id}' h='0'/>`);
    await late.waitForText('<failed');
    expect(late.received).toContain('item-not-found');
    await fresh.write(ping('f1'));
    await fresh.waitForText('id="f1"');
  });

  test('with offline storage off, what a session never acknowledged bounces to its senders when it ends', async () => {
    const bob = await rawSession(server, 'bob', 'builder', 'desk');
    streams.push(bob);
    const raw = await session('bounce');
    await enabled(raw, false);
    await server.server.plugins.disable('offline');
    try {
      await bob.write("<message to='alice@localhost/bounce' type='chat' id='lost-1'><body>never acknowledged</body></message>");
      await bob.write("<iq to='alice@localhost/bounce' type='get' id='ask-1'><query xmlns='jabber:iq:version'/></iq>");
      await raw.waitForText('id="ask-1"');
      await raw.write('</stream:stream>');
      await eventually('both bounced', () => /<message type="error" id="lost-1"/.test(bob.received) && /<iq type="error" id="ask-1"/.test(bob.received));
      const bounced = /<message type="error" id="lost-1"[\s\S]*?<\/message>/.exec(bob.received)![0];
      expect(bounced).toContain('<service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>');
      expect(bounced).toContain('offline storage is off');
      // The sender gets its message back as it sent it, without the server's stamp.
      expect(bounced).not.toContain('urn:xmpp:delay');
      expect(/<iq type="error" id="ask-1"[\s\S]*?<\/iq>/.exec(bob.received)![0]).toContain('service-unavailable');
    } finally {
      await server.server.plugins.enable('offline');
    }
  });

  test('@xmpp/client enables it and its acknowledgements match what the server counted', async () => {
    const client = await connectClient(server, { username: 'alice', password: 'wonderland', resource: 'xmppjs' });
    try {
      const sm = (client.raw as unknown as { streamManagement: { enabled: boolean; id: string } }).streamManagement;
      await eventually('stream management enabled', () => sm.enabled && sm.id !== '');
      const session = server.server.context.sessions.get('alice@localhost/xmppjs')!;
      // Eight at once: below this server's bound of ten unacknowledged, above its request threshold of three.
      for (let i = 0; i < 8; i++) {
        session.deliver(parseXml(`<message from='localhost' to='alice@localhost/xmppjs' type='headline'><body>n${i}</body></message>`));
      }
      // Resolves only once the client acknowledged all eight (an h too high would have closed the stream).
      await expect(session.handedOver()).resolves.toBe(true);
      await client.waitFor((stanza) => stanza.getChildText('body') === 'n7');
      expect(session.isEnded).toBe(false);
    } finally {
      await client.stop();
    }
  });

  test('new settings apply to running sessions without cutting them off', async () => {
    const raw = await session('reconfigure');
    await enabled(raw, false);
    await server.server.plugins.reconfigure('stream-management', { requestAckAfterStanzas: 1, requestAckAfterMs: 600000, maxUnackedStanzas: 10, unackedGraceSeconds: 0, resumeTimeoutSeconds: 120 });
    try {
      await raw.write(ping('c1'));
      // One stanza is enough now, and no timer would fire for ten minutes.
      await raw.waitForText('<r xmlns="urn:xmpp:sm:3"/>');
      expect(raw.closed).toBe(false);
      expect(server.server.context.sessions.get('alice@localhost/reconfigure')?.isEnded).toBe(false);
    } finally {
      await server.server.plugins.reconfigure('stream-management', { requestAckAfterStanzas: 3, requestAckAfterMs: 300, maxUnackedStanzas: 10, unackedGraceSeconds: 0, resumeTimeoutSeconds: 120 });
    }
  });

  test('turning the module off ends the sessions that use it, keeps what they had not acknowledged, and stops offering <sm/>', async () => {
    const attached = await session('off-attached');
    await enabled(attached);
    const detached = await session('off-detached');
    await enabled(detached);
    detached.destroy();
    await eventually('detached', () => server.server.context.sessions.get('alice@localhost/off-detached')?.isDetached === true);
    // Unacknowledged on the attached stream: a message from a contact, which must not be lost.
    await server.server.context.router.route(
      parseXml("<message from='bob@localhost/x' to='alice@localhost/off-attached' type='chat'><body>kept when SM stops</body></message>"),
      parseJid('bob@localhost/x'),
    );
    await attached.waitForText('kept when SM stops');
    await server.server.plugins.disable('stream-management');
    expect(await attached.streamError()).toBe('policy-violation');
    await eventually('both sessions ended', () => ['off-attached', 'off-detached'].every((r) => server.server.context.sessions.get(`alice@localhost/${r}`) === undefined));
    const stored = await server.server.context.stores.offline.peek('alice', { afterId: 0, maxMessages: 10, maxBytes: 100000 });
    expect(stored.map((entry) => entry.xml).filter((x) => x.includes('kept when SM stops'))).toHaveLength(1);
    const fresh = await session('off-fresh');
    expect(fresh.received).not.toContain('urn:xmpp:sm:3');
    await server.server.plugins.enable('stream-management');
    const back = await session('on-again');
    expect(back.received).toContain('<sm xmlns="urn:xmpp:sm:3"/>');
  });
});

describe('detached sessions and the sessions-per-account limit', () => {
  let server: TestServer;
  const streams: RawStream[] = [];
  afterAll(async () => {
    streams.forEach((stream) => stream.destroy());
    await server?.stop();
  });

  test('at the limit, a new bind ends the oldest detached session instead of failing', async () => {
    server = await startTestServer({ config: { ...RAW_SIGN_IN_CONFIG, limits: { maxSessionsPerUser: 2 } } });
    await server.createUser('carol', 'secret');
    const sessions = server.server.context.sessions;
    for (const resource of ['r1', 'r2']) {
      const raw = await rawSession(server, 'carol', 'secret', resource);
      await enabled(raw);
      raw.destroy();
      await eventually(`${resource} detached`, () => sessions.get(`carol@localhost/${resource}`)?.isDetached === true);
    }
    const r1 = sessions.get('carol@localhost/r1')!;
    const third = await rawSession(server, 'carol', 'secret', 'r3');
    streams.push(third);
    expect(r1.isEnded).toBe(true);
    expect(sessions.get('carol@localhost/r2')?.isDetached).toBe(true);
    expect(sessions.get('carol@localhost/r3')?.isDetached).toBe(false);
    // Attached sessions are never pushed out: with r2 detached and r3 attached, a fourth ends r2, a fifth is refused.
    const fourth = await rawSession(server, 'carol', 'secret', 'r4');
    streams.push(fourth);
    expect(sessions.get('carol@localhost/r2')).toBeUndefined();
    const fifth = await signedInUnbound(server, 'carol', 'secret');
    streams.push(fifth);
    await fifth.write(`<iq type='set' id='bind-5'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r5</resource></bind></iq>`);
    await fifth.waitForText('resource-constraint');
  });
});

describe('a connection the server gives up on', () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  test('an idle timeout detaches a resumable session instead of ending it, and the client resumes', async () => {
    server = await startTestServer({ config: { ...RAW_SIGN_IN_CONFIG, limits: { idleTimeoutMs: 600, keepaliveIntervalMs: 60000 } } });
    await server.createUser('dave', 'secret');
    const raw = await rawSession(server, 'dave', 'secret', 'quiet');
    const id = await enabled(raw);
    expect(await raw.streamError(5000)).toBe('connection-timeout');
    await eventually('detached after the idle timeout', () => server.server.context.sessions.get('dave@localhost/quiet')?.isDetached === true);
    const next = await signedInUnbound(server, 'dave', 'secret');
    try {
      await next.write(`<resume ${SM} previd='${id}' h='0'/>`);
      await next.waitForText('<resumed');
    } finally {
      next.destroy();
    }
  });
});

describe('client state indication and stream management together', () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  test('stanzas held while inactive are not counted until they are sent', async () => {
    server = await startTestServer({ config: { ...RAW_SIGN_IN_CONFIG, modules: { 'stream-management': { config: { requestAckAfterStanzas: 2, requestAckAfterMs: 600000 } } } } });
    await server.createUser('erin', 'secret');
    const raw = await rawSession(server, 'erin', 'secret', 'phone');
    try {
      await enabled(raw, false);
      await raw.write("<inactive xmlns='urn:xmpp:csi:0'/>");
      await raw.write(`<r ${SM}/>`);
      await raw.waitForText('<a xmlns="urn:xmpp:sm:3" h="0"/>');
      const session = server.server.context.sessions.get('erin@localhost/phone')!;
      const chatState = (n: number) => parseXml(`<message from='frank@localhost/x' to='erin@localhost/phone' type='chat' id='cs${n}'><active xmlns='http://jabber.org/protocol/chatstates'/></message>`);
      session.deliver(chatState(1));
      session.deliver(chatState(2));
      // Two held stanzas: nothing written, so nothing to acknowledge.
      await expect(session.handedOver()).resolves.toBe(true);
      expect(raw.received).not.toContain('id="cs1"');
      await raw.write("<active xmlns='urn:xmpp:csi:0'/>");
      await raw.waitForText('id="cs2"');
      // Sent now, and counted now: two stanzas make the server ask.
      await raw.waitForText('<r xmlns="urn:xmpp:sm:3"/>');
      expect(raw.received.indexOf('<r xmlns="urn:xmpp:sm:3"/>')).toBeGreaterThan(raw.received.indexOf('id="cs2"'));
      await raw.write(`<a ${SM} h='2'/>`);
      await expect(session.handedOver()).resolves.toBe(true);
    } finally {
      raw.destroy();
    }
  });
});

describe('stream management over WebSocket', () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  test('a dropped WebSocket detaches, a new one resumes with every stanza standing alone, <close/> ends the session', async () => {
    server = await startTestServer({ config: { ...RAW_SIGN_IN_CONFIG, modules: { 'stream-management': { config: { requestAckAfterStanzas: 10000, requestAckAfterMs: 600000 } } } } });
    await server.createUser('grace', 'secret');
    const sessions = server.server.context.sessions;
    const first = await RawWebSocket.session(server, 'grace', 'secret', 'web');
    await first.send(`<enable ${SM} resume='true'/>`);
    await first.waitForText('<enabled');
    const id = /<enabled [^>]*id="([^"]+)"/.exec(first.received)![1];
    const message = (body: string) => parseXml(`<message from='henry@localhost/x' to='grace@localhost/web' type='chat'><body>${body}</body></message>`);
    sessions.get('grace@localhost/web')!.deliver(message('before the drop'));
    await first.waitForText('before the drop');
    await first.dispose();
    await eventually('detached', () => sessions.get('grace@localhost/web')?.isDetached === true);
    sessions.get('grace@localhost/web')!.deliver(message('while away'));

    const second = await RawWebSocket.open(server);
    await second.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from('\u0000grace\u0000secret').toString('base64')}</auth>`);
    await second.waitForText('<success');
    await second.send(RawWebSocket.openFrame(server.domain));
    await second.waitForText('</stream:features>');
    await second.send(`<resume ${SM} previd='${id}' h='0'/>`);
    await second.waitForText('while away');
    expect(second.received).toContain(`<resumed xmlns="urn:xmpp:sm:3" previd="${id}" h="0"/>`);
    // h=0: the client says it got nothing, so the message before the drop comes again, first.
    const resent = second.received.slice(second.received.indexOf('<resumed'));
    expect(resent.indexOf('before the drop')).toBeLessThan(resent.indexOf('while away'));
    expect(resent.match(/<message [^>]*xmlns="jabber:client"/g)).toHaveLength(2);

    await second.send("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    await eventually('ended by <close/>', () => sessions.get('grace@localhost/web') === undefined);
    await second.dispose();
  });
});
