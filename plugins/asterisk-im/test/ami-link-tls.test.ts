/** AMI over TLS (manager.conf tlsenable): the simulator speaks it with a self-signed certificate. */
import { generate } from 'selfsigned';
import { startAmiSimulator, type AmiSimulator } from '@asterisk-im/fixtures/ami-sim';
import { AmiLink, testConnection, type AmiLinkError } from '../src/ami';

const USER = { username: 'asteriskim', secret: 'pbx-secret-1', read: ['call', 'agent', 'system'], write: ['all'] };

describe('AmiLink over TLS', () => {
  let sim: AmiSimulator;
  beforeAll(async () => {
    const pems = await Promise.resolve(generate([{ name: 'commonName', value: 'pbx.test' }]));
    sim = await startAmiSimulator({ users: [USER], endpoints: ['1001'], loginFailureDelayMs: 50, tls: { key: pems.private, cert: pems.cert } });
  });
  afterAll(async () => {
    await sim.stop();
  });

  test('logs in through TLS and exchanges actions', async () => {
    const link = new AmiLink({ host: '127.0.0.1', port: sim.port, username: USER.username, secret: USER.secret, tls: true, tlsRejectUnauthorized: false });
    const connected = new Promise((resolve) => link.once('connected', resolve));
    link.start();
    await connected;
    await expect(link.action({ Action: 'Ping' })).resolves.toMatchObject({ response: 'Success' });
    // Events come through TLS too.
    const event = new Promise<string>((resolve) => link.on('event', (e) => e.name === 'Newchannel' && resolve(e.name)));
    await sim.calls.dial('PJSIP/provider', '1001');
    await expect(event).resolves.toBe('Newchannel');
    await link.stop();
  });

  test('refuses a certificate it cannot verify unless told otherwise', async () => {
    const options = { host: '127.0.0.1', port: sim.port, username: USER.username, secret: USER.secret, tls: true };
    const result = await testConnection(options);
    expect(result.ok).toBe(false);
    const link = new AmiLink({ ...options, reconnectMinMs: 1000 });
    const failed = new Promise<AmiLinkError>((resolve) => link.once('error', resolve));
    link.start();
    expect((await failed).kind).toBe('connect');
    await link.stop();
  });
});
