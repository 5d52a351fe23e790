/**
 * The world the actions, queue and admin tests run in: the AMI simulator with four phones and
 * a queue, one server running the plugin against it with the admin API on, real clients, and
 * an admin API caller. Test support only.
 *
 * alice has PJSIP/1001 (primary, ext 1001), bob has PJSIP/1002 (ext 1002), carol has no phone;
 * PJSIP/1003 and PJSIP/1004 belong to nobody. Queue `support` has 1001 and 1002.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startAmiSimulator, type AmiSimulator, type AmiSimulatorOptions } from '@asterisk-im/fixtures/ami-sim';
import { ADMIN_TOKEN_FILE, eventually, startWorld, type TestClient, type World } from '@asterisk-im/server-core/testing';
import { AmiLink, amiField } from '../src/ami';
import { befriend } from './phone-world';

export const AMI_USER = {
  username: 'asteriskim',
  secret: 'pbx-secret-7',
  read: ['call', 'agent', 'system'],
  write: ['originate', 'agent', 'call', 'system', 'reporting'],
};
/** A manager user whose manager.conf entry lacks `originate`. */
export const NO_ORIGINATE = { username: 'no-originate', secret: 'narrow-secret', read: ['call', 'agent', 'system'], write: ['agent', 'call', 'system'] };
/** A second manager login for the tests' own look at Asterisk (QueueStatus). */
const OBSERVER = { username: 'observer', secret: 'observer-secret', read: ['system'], write: ['all'] };
const PLUGIN = path.join(__dirname, '..');
const API = '/api/plugins/asterisk-im';

export interface AdminAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface PluginWorld {
  world: World;
  sim: AmiSimulator;
  domain: string;
  online(user: string, resource: string): Promise<TestClient>;
  /** Calls the plugin's admin API (`path` below /api/plugins/asterisk-im). */
  admin(method: string, path: string, body?: unknown): Promise<AdminAnswer>;
  /** Paused flag of a device in a queue, read with `QueueStatus` over a second AMI login. */
  queuePaused(queue: string, device: string): Promise<boolean | undefined>;
  stop(): Promise<void>;
}

/** `simulator`: more simulator options (e.g. `timestampEvents`). */
export async function startPluginWorld(settings: Record<string, unknown> = {}, simulator: Partial<AmiSimulatorOptions> = {}): Promise<PluginWorld> {
  const sim = await startAmiSimulator({
    ...simulator,
    users: [AMI_USER, NO_ORIGINATE, OBSERVER],
    endpoints: ['1001', '1002', '1003', '1004'],
    queues: [{ name: 'support', members: ['PJSIP/1001', 'PJSIP/1002'] }],
    loginFailureDelayMs: 50,
  });
  const world = await startWorld(['alice', 'bob', 'carol'], {
    listeners: { admin: { host: '127.0.0.1', port: 0 } },
    plugins: [
      {
        name: 'asterisk-im',
        path: PLUGIN,
        config: {
          servers: [{ name: 'pbx', host: sim.host, port: sim.port, username: AMI_USER.username, secret: AMI_USER.secret }],
          devices: [
            { device: 'PJSIP/1001', user: 'alice@localhost', server: 'pbx', extension: '1001', callerId: '"Alice" <1001>', primary: true },
            { device: 'PJSIP/1002', user: 'bob@localhost', server: 'pbx', extension: '1002' },
          ],
          settings,
          link: { reconnectMinMs: 50, reconnectMaxMs: 200, actionTimeoutMs: 2000 },
        },
      },
    ],
  });
  await eventually('the plugin logged in to the AMI simulator', () => sim.loggedInSessions(AMI_USER.username) === 1);
  const base = `http://127.0.0.1:${world.server.server.addresses.admin.port}${API}`;
  const token = fs.readFileSync(path.join(world.server.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  const observer = new AmiLink({ host: sim.host, port: sim.port, username: OBSERVER.username, secret: OBSERVER.secret, eventMask: 'system' });

  return {
    world,
    sim,
    domain: world.domain,
    online: (user, resource) => world.online(user, resource),
    async admin(method, route, body) {
      const response = await fetch(`${base}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async queuePaused(queue, device) {
      if (observer.state === 'stopped') observer.start();
      await eventually('the observer logged in', () => observer.state === 'connected');
      const list = await observer.listAction({ Action: 'QueueStatus', Queue: queue });
      const member = list.items.find((item) => item.name === 'QueueMember' && amiField(item, 'Location') === device);
      return member ? amiField(member, 'Paused') === '1' : undefined;
    },
    async stop() {
      await observer.stop();
      await world.stop();
      await sim.stop();
    },
  };
}

/** The plugin world with alice (PJSIP/1001) and bob (PJSIP/1002) online, each a contact of the other. */
export async function startFriendsWorld(): Promise<{ w: PluginWorld; alice: TestClient; bob: TestClient }> {
  const w = await startPluginWorld();
  const alice = await w.online('alice', 'desk');
  const bob = await w.online('bob', 'desk');
  await befriend(alice, bob, w.domain);
  return { w, alice, bob };
}
