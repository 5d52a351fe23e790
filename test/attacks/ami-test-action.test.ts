/**
 * The AMI "test connection" action cannot be used to send the stored secret to a host of the
 * caller's choosing: other settings need the secret in the same request.
 */
import net from 'node:net';
import { AMI_USER, startPluginWorld, type PluginWorld } from '../../plugins/asterisk-im/test/admin-world';
import { passwordOf } from '../../server-core/testing/world';
import { HonestClient, MAX_HONEST_SLOWDOWN } from './attack-kit';
import { eventually } from '../../server-core/testing/eventually';

/** A TCP server posing as an AMI host: announces itself and keeps every byte each connection sends. */
class DecoyHost {
  readonly connections: string[] = [];
  private constructor(private readonly server: net.Server) {}

  static async start(): Promise<DecoyHost> {
    const server = net.createServer();
    const decoy = new DecoyHost(server);
    server.on('connection', (socket) => {
      const index = decoy.connections.push('') - 1;
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => {
        decoy.connections[index] += text;
        if (decoy.connections[index].includes('\r\n\r\n')) socket.end();
      });
      socket.on('error', () => undefined);
      socket.write('Asterisk Call Manager/8.0.0\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return decoy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const SECRET_REQUIRED = {
  status: 400,
  body: {
    error: {
      code: 'secret-required',
      field: 'secret',
      message: 'secret: the stored secret is only sent to the stored host, port and TLS setting; to test other settings, send the secret with them',
    },
  },
};

let w: PluginWorld;
let decoy: DecoyHost;
let honest: HonestClient;

beforeAll(async () => {
  w = await startPluginWorld();
  decoy = await DecoyHost.start();
  honest = await HonestClient.connect(w.world.server, 'carol', passwordOf('carol'));
});

afterAll(async () => {
  await honest?.stop();
  await decoy?.stop();
  await w?.stop();
});

test('naming another host or port without a secret is refused, and nothing connects to it', async () => {
  await honest.baseline();
  for (const overrides of [
    { host: '127.0.0.1', port: decoy.port },
    { port: decoy.port },
    { host: '127.0.0.1', port: decoy.port, secret: '***' },
    { host: 'localhost' },
    { tls: true },
  ]) {
    expect(await w.admin('POST', '/servers/pbx/test', overrides)).toEqual(SECRET_REQUIRED);
  }
  // The marker: a test with a secret of its own does reach the decoy, and is its first connection.
  expect(await w.admin('POST', '/servers/pbx/test', { host: '127.0.0.1', port: decoy.port, secret: 'typed-in-the-form' })).toMatchObject({ status: 200, body: { ok: false } });
  await eventually('the marker login reached the decoy', () => decoy.connections.length > 0 && decoy.connections[0].includes('\r\n\r\n'));
  expect(decoy.connections).toHaveLength(1);
  expect(decoy.connections[0]).toContain('Secret: typed-in-the-form');
  expect(decoy.connections.join('')).not.toContain(AMI_USER.secret);
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
});

test('the stored server is still tested with its stored secret, and another username may be tried against it', async () => {
  expect(await w.admin('POST', '/servers/pbx/test')).toEqual({ status: 200, body: { ok: true, version: '8.0.0' } });
  expect(await w.admin('POST', '/servers/pbx/test', { host: w.sim.host, port: w.sim.port })).toEqual({ status: 200, body: { ok: true, version: '8.0.0' } });
  expect(await w.admin('POST', '/servers/pbx/test', { username: 'observer' })).toEqual({ status: 200, body: { ok: false, error: 'Authentication failed' } });
});

test('an unknown server is a 404 whatever the body says', async () => {
  expect(await w.admin('POST', '/servers/nowhere/test', { host: '127.0.0.1', port: decoy.port, username: 'x', secret: 'y' })).toMatchObject({ status: 404 });
});
