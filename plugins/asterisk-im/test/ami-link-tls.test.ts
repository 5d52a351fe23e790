import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { startAmiSimulator, type AmiSimulator } from '@asterisk-im/fixtures/ami-sim';
import { AmiLink, testConnection, type AmiLinkError } from '../src/ami';

const USER = { username: 'asteriskim', secret: 'pbx-secret-1', read: ['call', 'agent', 'system'], write: ['all'] };

/** A TLS front for the simulator, as stunnel or Asterisk's own tlsenable would be. */
async function startTlsFront(sim: AmiSimulator): Promise<{ port: number; close: () => Promise<void> }> {
  const pems = await Promise.resolve(generate([{ name: 'commonName', value: 'pbx.test' }]));
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: pems.private, cert: pems.cert }, (clear) => {
    const upstream = net.connect(sim.port, sim.host);
    for (const s of [clear, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    clear.pipe(upstream).pipe(clear);
    clear.on('close', () => upstream.destroy());
    upstream.on('close', () => clear.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('AmiLink over TLS', () => {
  let sim: AmiSimulator;
  let front: Awaited<ReturnType<typeof startTlsFront>>;
  beforeAll(async () => {
    sim = await startAmiSimulator({ users: [USER], endpoints: ['1001'], loginFailureDelayMs: 50 });
    front = await startTlsFront(sim);
  });
  afterAll(async () => {
    await front.close();
    await sim.stop();
  });

  test('logs in through TLS and exchanges actions', async () => {
    const link = new AmiLink({ host: '127.0.0.1', port: front.port, username: USER.username, secret: USER.secret, tls: true, tlsRejectUnauthorized: false });
    const connected = new Promise((resolve) => link.once('connected', resolve));
    link.start();
    await connected;
    await expect(link.action({ Action: 'Ping' })).resolves.toMatchObject({ response: 'Success' });
    await link.stop();
  });

  test('refuses a certificate it cannot verify unless told otherwise', async () => {
    const options = { host: '127.0.0.1', port: front.port, username: USER.username, secret: USER.secret, tls: true };
    const result = await testConnection(options);
    expect(result.ok).toBe(false);
    const link = new AmiLink({ ...options, reconnectMinMs: 1000 });
    const failed = new Promise<AmiLinkError>((resolve) => link.once('error', resolve));
    link.start();
    expect((await failed).kind).toBe('connect');
    await link.stop();
  });
});
