/**
 * The world the plugin's presence tests run in: the AMI simulator, one server running the
 * plugin against it, and real clients. Test support only.
 */
import path from 'node:path';
import type { Element } from 'ltx';
import { startAmiSimulator, type AmiSimulator } from '@asterisk-im/fixtures/ami-sim';
import { eventually, startWorld, roundTrip, xml, type OnlineOptions, type TestClient, type World } from '@asterisk-im/server-core/testing';

export { xml, roundTrip };
export type { TestClient };

export const AMI_USER = { username: 'asteriskim', secret: 'pbx-secret-1', read: ['call', 'agent', 'system'], write: ['all'] };
export const PHONE_NS = 'http://jivesoftware.com/xmlns/phone';
const PLUGIN = path.join(__dirname, '..');

export interface PhoneWorld {
  world: World;
  sim: AmiSimulator;
  domain: string;
  /** `user` online as `resource` with an available presence (priority 0 unless told). */
  online(user: string, resource: string, options?: OnlineOptions): Promise<TestClient>;
  stop(): Promise<void>;
}

/** alice has PJSIP/1001 (primary) and PJSIP/1003; bob has none; 1002 is a phone of nobody we know. */
export async function startPhoneWorld(settings: Record<string, unknown> = {}): Promise<PhoneWorld> {
  const sim = await startAmiSimulator({ users: [AMI_USER], endpoints: ['1001', '1002', '1003', '1004'], loginFailureDelayMs: 50 });
  const world = await startWorld(['alice', 'bob'], {
    plugins: [
      {
        name: 'asterisk-im',
        path: PLUGIN,
        config: {
          servers: [{ name: 'pbx', host: sim.host, port: sim.port, username: AMI_USER.username, secret: AMI_USER.secret }],
          devices: [
            { device: 'PJSIP/1001', user: 'alice@localhost', server: 'pbx', extension: '1001', primary: true },
            { device: 'PJSIP/1003', user: 'alice@localhost', server: 'pbx', extension: '1003' },
          ],
          settings,
          link: { reconnectMinMs: 50, reconnectMaxMs: 200, actionTimeoutMs: 2000 },
        },
      },
    ],
  });
  await eventually('the plugin logged in to the AMI simulator', () => sim.loggedInSessions(AMI_USER.username) === 1);
  return {
    world,
    sim,
    domain: world.domain,
    online: (user, resource, options) => world.online(user, resource, options),
    stop: async () => {
      await world.stop();
      await sim.stop();
    },
  };
}


export const bare = (jid: string): string => jid.split('/')[0]!;

/** Presence and subscription in both directions between two online clients. */
export async function befriend(a: TestClient, b: TestClient, domain: string): Promise<void> {
  const [aBare, bBare] = [bare(a.jid), bare(b.jid)];
  await a.send(xml('presence', { type: 'subscribe', to: bBare }));
  await b.waitFor(isPresence(aBare, 'subscribe'));
  await b.send(xml('presence', { type: 'subscribed', to: aBare }));
  await b.send(xml('presence', { type: 'subscribe', to: aBare }));
  await a.waitFor(isPresence(bBare, 'subscribe'));
  await a.send(xml('presence', { type: 'subscribed', to: bBare }));
  await roundTrip(a, domain);
  await roundTrip(b, domain);
}

export const isPresence = (from: string, type?: string) => (s: Element) =>
  s.is('presence') && (s.attrs.from === from || bare(String(s.attrs.from)) === from) && s.attrs.type === type;

export const isPhonePresence = (s: Element): boolean =>
  s.getChildText('show') !== null && s.getChild('phone-status', PHONE_NS)?.attrs.status === 'ON_PHONE';

/** Marks a point in a client's stream; `next` waits only for what arrives after it. */
export function mark(client: TestClient): { next(match: (s: Element) => boolean, what: string, timeoutMs?: number): Promise<Element>; since(match: (s: Element) => boolean): Element[] } {
  const start = client.received.length;
  const after = (s: Element): boolean => client.received.indexOf(s) >= start;
  return {
    next: (match, what, timeoutMs) => client.waitFor((s) => after(s) && match(s), timeoutMs, what),
    since: (match) => client.received.slice(start).filter(match),
  };
}

/** A fresh phone world with alice and bob online (resource `desk`, both with `clients`) as mutual contacts. */
export async function startAliceAndBob(settings: Record<string, unknown> = {}, clients: OnlineOptions = {}): Promise<{ w: PhoneWorld; alice: TestClient; bob: TestClient }> {
  const w = await startPhoneWorld(settings);
  const alice = await w.online('alice', 'desk', clients);
  const bob = await w.online('bob', 'desk', clients);
  await befriend(alice, bob, w.domain);
  return { w, alice, bob };
}
