import fs from 'node:fs';
import path from 'node:path';
import type { Element } from 'ltx';
import { runCliInProcess as runCliCaptured } from '../../../../test/support/cli-in-process';
import { readServerVersion } from '../../core/server-version';
import { startWorld, chat, bodyIs, errorCondition, iqFailure, roundTrip, xml, type World, type TestClient } from '../../../testing/world';
import { BLOCKING_PROBE_NS } from '../../../test/plugins/blocking-probe';

const BLOCKING = 'urn:xmpp:blocking';
const DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const PROBE = path.resolve(__dirname, '../../../test/plugins/blocking-probe');
const STATEFUL = path.resolve(__dirname, '../../../test/plugins/stateful');
const VERSION = readServerVersion();

const blocklistRequest = () => xml('iq', { type: 'get' }, xml('blocklist', { xmlns: BLOCKING }));
const block = (jid: string) => xml('iq', { type: 'set' }, xml('block', { xmlns: BLOCKING }, xml('item', { jid })));

async function serverFeatures(client: TestClient, domain: string): Promise<string[]> {
  const info = await client.iq(xml('iq', { type: 'get', to: domain }, xml('query', { xmlns: DISCO_INFO })));
  return info.getChild('query')!.getChildren('feature').map((feature) => String(feature.attrs.var));
}

/** Bob writes to alice; resolves with whether alice got it (a marker from carol closes the window). */
async function reachesAlice(world: World, clients: { alice: TestClient; bob: TestClient; carol: TestClient }, body: string): Promise<boolean> {
  const alice = `alice@${world.domain}`;
  await clients.bob.send(chat(alice, body));
  await roundTrip(clients.bob, world.domain);
  await clients.carol.send(chat(alice, `after ${body}`));
  await clients.alice.waitFor(bodyIs(`after ${body}`));
  return clients.alice.received.some(bodyIs(body));
}

/** The CLI's environment for the world's admin API. */
function cliEnv(world: World): NodeJS.ProcessEnv {
  const configFile = path.join(world.server.dataDir, 'cli-config.json');
  const admin = world.server.server.addresses.admin!;
  fs.writeFileSync(configFile, JSON.stringify({ dataDir: world.server.dataDir, listeners: { admin: { host: '127.0.0.1', port: admin.port } } }));
  return { AIM_CONFIG: configFile };
}

/** The module commands against the world's admin API. */
function moduleCli(world: World): (...args: string[]) => ReturnType<typeof runCliCaptured> {
  const env = cliEnv(world);
  return (...args) => runCliCaptured(['module', ...args], env);
}

describe('blocking as a core module', () => {
  let world: World;
  afterEach(() => world?.stop());

  test('module list shows it among the core modules and the plugins; disabling it at run time turns XEP-0191 off, enabling restores it', async () => {
    world = await startWorld(['alice', 'bob', 'carol'], {
      listeners: { admin: { host: '127.0.0.1', port: 0 } },
      plugins: [{ name: 'stateful', path: STATEFUL }],
    });
    const cli = moduleCli(world);
    const listed = await cli('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')).toEqual(expect.arrayContaining([`blocking ${VERSION}\tenabled\trunning\tcore`, 'stateful 1.0.0\tenabled\trunning\tplugin']));
    // The plugin commands keep to plugins.
    expect(await runCliCaptured(['plugin', 'disable', 'blocking'], cliEnv(world))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: blocking is a core module, not a plugin; manage it with the module commands (/api/modules)\n',
    });

    const clients = { alice: await world.online('alice', 'pc'), bob: await world.online('bob', 'pc'), carol: await world.online('carol', 'pc') };
    const { alice, bob } = clients;
    await alice.iq(block(`bob@${world.domain}`));
    expect(await reachesAlice(world, clients, 'blocked while on')).toBe(false);

    expect(await cli('disable', 'blocking')).toEqual({ code: 0, stdout: `blocking ${VERSION}\tdisabled\tstopped\n`, stderr: '' });
    expect(world.server.server.plugins.get('blocking')).toMatchObject({ core: true, enabled: false, state: 'stopped' });
    expect((await iqFailure(alice, blocklistRequest())).condition).toBe('service-unavailable');
    expect(await serverFeatures(alice, world.domain)).not.toContain(BLOCKING);
    expect(await reachesAlice(world, clients, 'delivered while off')).toBe(true);

    expect(await cli('enable', 'blocking')).toEqual({ code: 0, stdout: `blocking ${VERSION}\tenabled\trunning\n`, stderr: '' });
    expect(await serverFeatures(alice, world.domain)).toContain(BLOCKING);
    const list = await alice.iq(blocklistRequest());
    expect(list.getChild('blocklist', BLOCKING)!.getChildren('item').map((item: Element) => item.attrs.jid)).toEqual([`bob@${world.domain}`]);
    expect(await reachesAlice(world, clients, 'blocked again')).toBe(false);
    const bounces = bob.received.filter((s) => s.is('message') && s.attrs.type === 'error');
    expect(bounces.map(errorCondition)).toEqual(['service-unavailable', 'service-unavailable']);
  });

  test('turned off in the config file, the server starts without it', async () => {
    world = await startWorld(['alice'], { modules: { blocking: { enabled: false } } });
    const alice = await world.online('alice', 'pc');
    expect(world.server.server.plugins.modules().find((module) => module.name === 'blocking')).toMatchObject({ core: true, enabled: false, state: 'stopped' });
    expect((await iqFailure(alice, blocklistRequest())).condition).toBe('service-unavailable');
    expect(await serverFeatures(alice, world.domain)).not.toContain(BLOCKING);
  });

  test('a module that depends on it keeps it from being disabled, and cannot start without it', async () => {
    world = await startWorld(['alice', 'bob'], {
      listeners: { admin: { host: '127.0.0.1', port: 0 } },
      plugins: [{ name: 'blocking-probe', path: PROBE }],
    });
    const cli = moduleCli(world);
    const alice = await world.online('alice', 'pc');
    await alice.iq(block(`bob@${world.domain}`));
    const probe = await alice.iq(xml('iq', { type: 'get', to: world.domain }, xml('query', { xmlns: BLOCKING_PROBE_NS, jid: `bob@${world.domain}` })));
    expect(probe.getChild('query')!.attrs.blocked).toBe('true');

    expect(await cli('disable', 'blocking')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: module blocking cannot stop while blocking-probe depends on what it provides; disable blocking-probe first\n',
    });
    expect(world.server.server.plugins.get('blocking')?.state).toBe('running');

    expect((await cli('disable', 'blocking-probe')).code).toBe(0);
    expect((await cli('disable', 'blocking')).code).toBe(0);
    const refused = await cli('enable', 'blocking-probe');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('blocking-probe 1.0.0\tenabled\tfailed  (module blocking-probe depends on "blocking": module blocking provides it but is disabled)\n');
  });
});
