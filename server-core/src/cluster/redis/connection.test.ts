import net from 'node:net';
import type Redis from 'ioredis';
import { silentLogger } from '../../log';
import { PrivateRedisServer } from '../../../testing/redis';
import { connectRedis } from './connection';
import { sleep } from '../../../testing/cluster-world';
import { eventually } from '../../../testing/eventually';

/**
 * Just enough of a sentinel for ioredis: it names `master` as the master, can hold its answers
 * back (to keep a client in the middle of asking), and can announce `+switch-master`.
 */
class FakeSentinel {
  master = 6379;
  masterQueries = 0;
  private readonly subscribers = new Set<net.Socket>();
  private readonly held: Array<() => void> = [];
  private holding = false;
  private constructor(private readonly server: net.Server) {}

  static async start(): Promise<FakeSentinel> {
    const server = net.createServer();
    const sentinel = new FakeSentinel(server);
    server.on('connection', (socket) => sentinel.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return sentinel;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  get watchers(): number {
    return this.subscribers.size;
  }

  get heldQueries(): number {
    return this.held.length;
  }

  /** Names `to` as the master from now on and announces it, as every sentinel does after a failover. */
  announceSwitch(to: number): void {
    const from = this.master;
    this.master = to;
    for (const socket of this.subscribers) socket.write(array(['message', '+switch-master', `${NAME} 127.0.0.1 ${from} 127.0.0.1 ${to}`]));
  }

  async stop(): Promise<void> {
    for (const socket of this.subscribers) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private serve(socket: net.Socket): void {
    socket.on('error', () => undefined);
    socket.on('close', () => this.subscribers.delete(socket));
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let parsed = parseCommand(buffer); parsed; parsed = parseCommand(buffer)) {
        buffer = buffer.slice(parsed.length);
        this.answer(socket, parsed.args);
      }
    });
  }

  private answer(socket: net.Socket, [command = '', sub = '', arg = '']: string[]): void {
    const name = `${command} ${sub}`.toLowerCase();
    if (name === 'sentinel get-master-addr-by-name') {
      this.masterQueries++;
      const answer = array(['127.0.0.1', String(this.master)]);
      const reply = () => socket.write(answer);
      if (this.holding) this.held.push(reply);
      else reply();
    } else if (name === 'sentinel sentinels') {
      socket.write('*0\r\n');
    } else if (command.toLowerCase() === 'subscribe') {
      this.subscribers.add(socket);
      socket.write(`*3\r\n${bulk('subscribe')}${bulk(sub)}:1\r\n`);
    } else if (command.toLowerCase() === 'info') {
      socket.write(bulk('# Sentinel\r\nloading:0\r\n'));
    } else {
      socket.write(arg === '' && command.toLowerCase() === 'ping' ? '+PONG\r\n' : '+OK\r\n');
    }
  }
}

const NAME = 'aim-master';
const bulk = (text: string) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
const array = (items: string[]) => `*${items.length}\r\n${items.map(bulk).join('')}`;

/** One command as ioredis sends it (an array of bulk strings), or null until it is complete. */
function parseCommand(text: string): { args: string[]; length: number } | null {
  const header = /^\*(\d+)\r\n/.exec(text);
  if (!header) return null;
  let at = header[0].length;
  const args: string[] = [];
  for (let i = 0; i < Number(header[1]); i++) {
    const size = /^\$(\d+)\r\n/.exec(text.slice(at));
    if (!size || text.length < at + size[0].length + Number(size[1]) + 2) return null;
    at += size[0].length;
    args.push(text.slice(at, at + Number(size[1])));
    at += Number(size[1]) + 2;
  }
  return { args, length: at };
}

describe('connectRedis through Sentinel', () => {
  let sentinel: FakeSentinel;
  let newMaster: PrivateRedisServer;
  let client: Redis | undefined;
  beforeAll(async () => {
    newMaster = await PrivateRedisServer.start();
  });
  afterAll(async () => {
    await newMaster.stop();
  });
  beforeEach(async () => {
    sentinel = await FakeSentinel.start();
  });
  afterEach(async () => {
    client?.disconnect();
    client = undefined;
    await sentinel.stop();
  });

  /** A client through the fake sentinel, ready on the shared test Redis (the "old master"). */
  async function readyClient(onSwitch: () => void = () => undefined) {
    const ended = jest.fn();
    const c = connectRedis({ sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: NAME }, 'commands', 100, silentLogger(), onSwitch) as Redis;
    client = c;
    c.on('end', ended);
    await eventually('ready', () => c.status === 'ready');
    await eventually('the switch watch subscribed', () => sentinel.watchers === 1);
    return { c, ended };
  }

  it('a switch announced while the client asks the sentinels neither ends the client nor leaves it on the old master', async () => {
    let switches = 0;
    const { c, ended } = await readyClient(() => switches++);

    // The connection drops; the reconnect stops while it asks the sentinel, which still names the old master.
    sentinel.hold();
    c.disconnect(true);
    await eventually('the client asking the sentinel', () => c.status === 'connecting' && sentinel.heldQueries === 1);
    sentinel.announceSwitch(newMaster.port);
    await eventually('the switch seen', () => switches === 1);
    sentinel.release();

    await eventually('on the new master', () => c.status === 'ready' && c.stream.remotePort === newMaster.port, 3000);
    expect(await c.ping()).toBe('PONG');
    expect(ended).not.toHaveBeenCalled();
  });

  it('a sentinel repeating a switch the client already followed does not make it reconnect', async () => {
    const { c } = await readyClient();
    sentinel.announceSwitch(newMaster.port);
    await eventually('on the new master', () => c.status === 'ready' && c.stream.remotePort === newMaster.port, 3000);
    const queries = sentinel.masterQueries;
    const closed = jest.fn();
    c.on('close', closed);

    sentinel.announceSwitch(newMaster.port);
    await sleep(200);
    expect(closed).not.toHaveBeenCalled();
    expect(sentinel.masterQueries).toBe(queries);
    expect(c.status).toBe('ready');
  });
});
