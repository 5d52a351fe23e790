import type { EventEmitter } from 'eventemitter3';
import { startAmiSimulator, type AmiSimulator, type AmiSimulatorOptions } from '@asterisk-im/fixtures/ami-sim';
import { eventually } from '@asterisk-im/server-core/testing';
import { AmiLink, AmiLinkError, testConnection, type AmiLinkEvents, type AmiLinkOptions } from '../src/ami';
import { CallTracker, type PhoneEvent } from '../src/calls';

const USER = { username: 'asteriskim', secret: 'pbx-secret-1', read: ['call', 'agent', 'system'], write: ['all'] };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function startSim(overrides: Partial<AmiSimulatorOptions> = {}): Promise<AmiSimulator> {
  const sim = await startAmiSimulator({ users: [USER], endpoints: ['1001', '1002'], loginFailureDelayMs: 50, ...overrides });
  cleanups.push(() => sim.stop());
  return sim;
}

function linkOptions(sim: AmiSimulator, overrides: Partial<AmiLinkOptions> = {}): AmiLinkOptions {
  return {
    host: sim.host,
    port: sim.port,
    username: USER.username,
    secret: USER.secret,
    reconnectMinMs: 100,
    reconnectMaxMs: 800,
    actionTimeoutMs: 1000,
    ...overrides,
  };
}

function newLink(sim: AmiSimulator, overrides: Partial<AmiLinkOptions> = {}): AmiLink {
  const link = new AmiLink(linkOptions(sim, overrides));
  cleanups.push(() => link.stop());
  return link;
}

/** Resolves with the next emission of `name`, or fails after `timeoutMs`. */
function next<K extends keyof AmiLinkEvents>(link: AmiLink, name: K, timeoutMs = 5000): Promise<EventEmitter.ArgumentMap<AmiLinkEvents>[K][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${name}' within ${timeoutMs} ms`)), timeoutMs);
    link.once(name, (...args) => {
      clearTimeout(timer);
      resolve(args[0]);
    });
  });
}

async function connectedLink(sim: AmiSimulator, overrides: Partial<AmiLinkOptions> = {}): Promise<AmiLink> {
  const link = newLink(sim, overrides);
  const connected = next(link, 'connected');
  link.start();
  await connected;
  return link;
}

describe('AmiLink against the AMI simulator', () => {
  test('connects, logs in and asks for the call, agent and system events', async () => {
    const sim = await startSim({ version: '9.0.0' });
    const link = newLink(sim);
    const connected = next(link, 'connected');
    link.start();
    expect(await connected).toEqual({ version: '9.0.0' });
    expect(link.state).toBe('connected');
    const actions = sim.actions().map((a) => [a.action.toLowerCase(), a.headers]);
    expect(actions.map(([name]) => name)).toEqual(['login', 'events']);
    const mask = sim.actions()[1].headers.find(([key]) => key.toLowerCase() === 'eventmask');
    expect(mask?.[1]).toBe('call,agent,system');
    expect(sim.loggedInSessions(USER.username)).toBe(1);
  });

  test('a refused login reports Asterisk\'s message as an auth error and retries with backoff', async () => {
    const sim = await startSim();
    const link = newLink(sim, { secret: 'wrong-secret', reconnectMinMs: 300, reconnectMaxMs: 2000 });
    const errors: AmiLinkError[] = [];
    link.on('error', (e) => errors.push(e));
    link.start();
    await eventually('two login failures', () => errors.length >= 2, 5000);
    expect(errors[0]).toBeInstanceOf(AmiLinkError);
    expect(errors[0].kind).toBe('auth');
    expect(errors[0].message).toBe('Authentication failed');
    const opened = sim.connections().map((c) => c.openedAt);
    // Attempt 2 waits at least reconnectMinMs (plus the simulator's 50 ms login delay): no hammering.
    expect(opened[1] - opened[0]).toBeGreaterThanOrEqual(300);
    expect(link.state === 'waiting' || link.state === 'connecting').toBe(true);
  });

  test('an action the server never answers fails with a timeout', async () => {
    const sim = await startSim();
    const link = await connectedLink(sim, { actionTimeoutMs: 300 });
    sim.setAnswering(false);
    const started = Date.now();
    await expect(link.action({ Action: 'Ping' })).rejects.toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('actions are refused at once while the link is down', async () => {
    const sim = await startSim();
    const link = newLink(sim);
    await expect(link.action({ Action: 'Ping' })).rejects.toMatchObject({ kind: 'disconnected' });
    sim.refuseConnections(true);
    link.start();
    await expect(link.listAction({ Action: 'CoreShowChannels' })).rejects.toMatchObject({ kind: 'disconnected' });
  });

  test('answers and errors of actions come back as values', async () => {
    const sim = await startSim();
    const link = await connectedLink(sim);
    const pong = await link.action({ Action: 'Ping' });
    expect(pong.response).toBe('Success');
    await expect(link.action({ Action: 'NoSuchAction' })).rejects.toMatchObject({ kind: 'action' });
    await expect(link.action({ Action: 'Ping', Bad: 'line\r\nAction: Logoff' })).rejects.toMatchObject({ kind: 'invalid-action' });
    await expect(link.action({ Action: 'Logoff' })).rejects.toMatchObject({ kind: 'invalid-action' });
  });

  test('reconnects after the PBX drops every connection, never holding two sessions', async () => {
    const sim = await startSim();
    const link = await connectedLink(sim);
    const disconnected = next(link, 'disconnected');
    const reconnected = new Promise<void>((resolve) => link.on('connected', () => resolve()));
    sim.dropAllConnections();
    expect((await disconnected).reason).toMatch(/closed/);
    await reconnected;
    sim.dropAllConnections();
    await next(link, 'connected');
    expect(link.state).toBe('connected');
    expect(sim.loggedInSessions(USER.username)).toBe(1);
    expect(sim.maxConcurrentSessions(USER.username)).toBe(1);
  });

  test('keeps retrying while the PBX refuses connections, then comes back', async () => {
    const sim = await startSim();
    const link = newLink(sim, { reconnectMinMs: 100, reconnectMaxMs: 200 });
    sim.refuseConnections(true);
    link.start();
    await eventually('three refused connection attempts', () => sim.connections().length >= 3);
    sim.refuseConnections(false);
    await next(link, 'connected');
    expect(sim.maxConcurrentSessions(USER.username)).toBe(1);
  });

  test('keep-alive notices a hung PBX and reconnects', async () => {
    const sim = await startSim();
    const link = await connectedLink(sim, { keepAliveMs: 100, actionTimeoutMs: 200 });
    const disconnected = next(link, 'disconnected');
    sim.setAnswering(false);
    expect((await disconnected).reason).toMatch(/keep-alive/);
    sim.setAnswering(true);
    await next(link, 'connected');
    expect(sim.maxConcurrentSessions(USER.username)).toBe(1);
  });

  test('a list action resolves with every item up to the Complete event', async () => {
    const sim = await startSim({ endpoints: ['1001', '1002', '1003', '1004'] });
    const link = await connectedLink(sim);
    await sim.calls.dial('PJSIP/1001', '1002');
    await sim.calls.dial('PJSIP/1003', '1004');
    const channels = await link.listAction({ Action: 'CoreShowChannels' });
    expect(channels.items.map((i) => i.name)).toEqual(['CoreShowChannel', 'CoreShowChannel', 'CoreShowChannel', 'CoreShowChannel']);
    expect(channels.complete.name).toBe('CoreShowChannelsComplete');
    expect(channels.complete.fields.listitems).toBe('4');
    const devices = await link.listAction({ Action: 'DeviceStateList' });
    expect(devices.items.length).toBeGreaterThanOrEqual(4);
  });

  test('stop() logs off and leaves nothing running', async () => {
    const sim = await startSim();
    const link = await connectedLink(sim);
    const disconnected = next(link, 'disconnected');
    await link.stop();
    expect(await disconnected).toEqual({ reason: 'stopped' });
    expect(link.state).toBe('stopped');
    await eventually('no session logged in at the simulator', () => sim.loggedInSessions() === 0);
    expect(sim.connections()[0].reason).toBe('logoff');
    await expect(link.action({ Action: 'Ping' })).rejects.toMatchObject({ kind: 'disconnected' });
  });

  test('testConnection reports the version, or the reason it failed', async () => {
    const sim = await startSim({ version: '8.0.3' });
    await expect(testConnection(linkOptions(sim))).resolves.toEqual({ ok: true, version: '8.0.3' });
    await expect(testConnection(linkOptions(sim, { secret: 'nope' }))).resolves.toEqual({ ok: false, error: 'Authentication failed' });
    const result = await testConnection({ ...linkOptions(sim), port: 1 });
    expect(result.ok).toBe(false);
    await eventually('no session logged in at the simulator', () => sim.loggedInSessions() === 0);
  });

  test('end to end: a simulated call drives the tracker, and resync after a reconnect clears a call that ended unseen', async () => {
    const sim = await startSim();
    const tracker = new CallTracker({
      devices: [
        { device: 'PJSIP/1001', user: 'alice@example.com', monitored: true },
        { device: 'PJSIP/1002', user: 'bob@example.com', monitored: true },
      ],
    });
    const phoneEvents: PhoneEvent[] = [];
    tracker.on('phoneEvent', (e) => phoneEvents.push(e));
    const link = newLink(sim);
    link.on('event', (e) => tracker.handle(e));
    link.on('connected', () => {
      void Promise.all([link.listAction({ Action: 'CoreShowChannels' }), link.listAction({ Action: 'DeviceStateList' })]).then(
        ([channels, states]) => tracker.resync(channels.items, states.items),
        () => undefined,
      );
    });
    const connected = next(link, 'connected');
    link.start();
    await connected;

    const call = await sim.calls.dial('PJSIP/1001', '1002');
    await eventually('PJSIP/1002 ringing', () => tracker.deviceState('PJSIP/1002') === 'ringing');
    await call.answer();
    await eventually('bob on the phone', () => tracker.userPhoneState('bob@example.com').onPhone);
    expect(tracker.userPhoneState('alice@example.com').onPhone).toBe(true);
    expect(phoneEvents.filter((e) => e.user === 'bob@example.com').map((e) => [e.type, e.callerID])).toEqual([
      ['RING', '1001'],
      ['ON_PHONE', '1001'],
    ]);

    // The link goes down, the call ends while nobody listens, the link comes back.
    sim.refuseConnections(true);
    sim.dropAllConnections();
    await call.hangup();
    sim.refuseConnections(false);
    await next(link, 'connected');
    await eventually('both off the phone after the resync', () => !tracker.userPhoneState('bob@example.com').onPhone && !tracker.userPhoneState('alice@example.com').onPhone);
    expect(phoneEvents.filter((e) => e.user === 'bob@example.com').at(-1)?.type).toBe('HANG_UP');
  });
});
