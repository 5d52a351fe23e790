/** The last-activity plugin on a real node, with real clients, its admin route and its commands. */
import path from 'node:path';
import { connectClient, eventually, mutualSubscription, presence, runCliInProcess, startCliServer, xml, type CliServer, type TestClient } from '@asterisk-im/server-core/testing';
import { LAST_NS } from '../src';

const FOLDER = path.resolve(__dirname, '..');
const lastQuery = (to: string) => xml('iq', { type: 'get', to }, xml('query', { xmlns: LAST_NS }));

describe('the last-activity plugin', () => {
  let cli: CliServer;
  const clients: TestClient[] = [];
  const domain = () => cli.server.domain;
  const login = async (username: string, resource: string) => {
    const client = await connectClient(cli.server, { username, password: `pw-${username}`, resource });
    clients.push(client);
    return client;
  };
  const online = async (username: string, resource: string) => {
    const client = await login(username, resource);
    await client.send(presence(undefined));
    return client;
  };
  const command = (args: string[]) => runCliInProcess(args, cli.env);
  /** Waits until the server ended the user's last session and wrote its logout (a moment after the client saw the stream close). */
  const loggedOut = (username: string, status: string | null) =>
    eventually(`${username}'s logout is written`, async () => {
      const shown = JSON.parse((await command(['last-activity', 'show', username, '--json'])).stdout);
      return shown.online === false && shown.lastLogout !== null && shown.status === status;
    });

  beforeAll(async () => {
    cli = await startCliServer({ plugins: [{ name: 'last-activity', path: FOLDER }] });
    for (const user of ['alice', 'bob', 'carol']) await cli.server.createUser(user, `pw-${user}`);
    const [alice, bob] = [await online('alice', 'setup'), await online('bob', 'setup')];
    await mutualSubscription({ domain: domain() }, alice, bob);
    await Promise.all([alice.stop(), bob.stop()]);
    await loggedOut('bob', null);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await cli?.stop();
  });

  test('a contact learns how long ago the last resource went offline, and with which status', async () => {
    const bob = await online('bob', 'phone');
    await bob.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'Gone fishing')));
    await bob.stop();
    await loggedOut('bob', 'Gone fishing');
    const alice = await login('alice', 'pc');
    const answer = (await alice.iq(lastQuery(`bob@${domain()}`))).getChild('query')!;
    expect(answer.getText()).toBe('Gone fishing');
    expect(Number(answer.attrs.seconds)).toBeGreaterThanOrEqual(0);
    expect(Number(answer.attrs.seconds)).toBeLessThan(60);
  });

  test('while one resource is connected the answer is 0 seconds, even after another resource left', async () => {
    const bob = await online('bob', 'desk');
    const laptop = await online('bob', 'laptop');
    await laptop.stop();
    // Once the laptop's session ended, the user stays online through the desk.
    await eventually("the laptop's session ended", () => !cli.server.server.context.routes.resourcesOf(`bob@${domain()}`).some((r) => r.fullJid.endsWith('/laptop')));
    const alice = await login('alice', 'while-online');
    const query = (await alice.iq(lastQuery(`bob@${domain()}`))).getChild('query')!;
    expect(query.attrs.seconds).toBe('0');
    expect(query.getText()).toBe('');
    await bob.stop();
  });

  test('someone not subscribed is refused, an unknown account is not revealed, and a set is a bad request', async () => {
    const carol = await login('carol', 'pc');
    await expect(carol.iq(lastQuery(`bob@${domain()}`))).rejects.toThrow(/forbidden/);
    await expect(carol.iq(lastQuery(`nobody@${domain()}`))).rejects.toThrow(/service-unavailable/);
    await expect(carol.iq(xml('iq', { type: 'set', to: `carol@${domain()}` }, xml('query', { xmlns: LAST_NS })))).rejects.toThrow(/bad-request/);
    // Carol asks about herself while connected.
    expect((await carol.iq(lastQuery(`carol@${domain()}`))).getChild('query')!.attrs.seconds).toBe('0');
  });

  test("the server's address answers with its uptime, and disco#info lists the feature", async () => {
    const carol = await login('carol', 'uptime');
    const uptime = (await carol.iq(lastQuery(domain()))).getChild('query')!;
    expect(Number(uptime.attrs.seconds)).toBeGreaterThanOrEqual(0);
    const info = await carol.iq(xml('iq', { type: 'get', to: domain() }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    expect(info.getChild('query')!.getChildren('feature').map((f) => f.attrs.var)).toContain(LAST_NS);
  });

  test('the command line shows and forgets a last logout through the admin API', async () => {
    const shown = await command(['last-activity', 'show', 'bob']);
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    expect(shown.stdout).toMatch(/^bob: offline for \d+ s \(since \d{4}-\d\d-\d\dT[\d:.]+Z\)\n$/);
    const json = JSON.parse((await command(['last-activity', 'show', 'bob', '--json'])).stdout);
    expect(json).toMatchObject({ username: 'bob', online: false, status: null });
    expect(await command(['last-activity', 'forget', 'bob'])).toEqual({ code: 0, stdout: 'forgot the last logout of bob\n', stderr: '' });
    expect((await command(['last-activity', 'show', 'bob'])).stdout).toBe('bob: no logout known yet\n');
    expect(await command(['last-activity', 'forget', 'bob'])).toEqual({ code: 1, stdout: '', stderr: 'error: no last activity is kept for bob\n' });
    expect(await command(['last-activity', 'show', 'bob@example.com'])).toMatchObject({ code: 2, stderr: expect.stringContaining('<user> is a username without the domain') });
    const alice = await login('alice', 'after-forget');
    await expect(alice.iq(lastQuery(`bob@${domain()}`))).rejects.toThrow(/item-not-found/);
  });

  test('with shareStatus off the status stays private', async () => {
    await cli.server.server.plugins.reconfigure('last-activity', { shareStatus: false });
    const bob = await online('bob', 'private');
    await bob.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'Somewhere')));
    await bob.stop();
    await loggedOut('bob', 'Somewhere');
    const alice = await login('alice', 'private');
    const query = (await alice.iq(lastQuery(`bob@${domain()}`))).getChild('query')!;
    expect(query.attrs.seconds).toMatch(/^\d+$/);
    expect(query.getText()).toBe('');
  });
});
