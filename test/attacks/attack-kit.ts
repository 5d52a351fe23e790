/**
 * The world attack tests run in: a raw socket that speaks whatever bytes an attacker chooses,
 * and an honest client whose ping round trip is measured before and during an attack, so each
 * test can check that nobody else was hurt (as a ratio to a baseline taken in the same test).
 */
import net from 'node:net';
import { connectClient, xml, type ServerAddress, type TestClient } from '../support/xmpp-client';

/** A plain TCP connection that writes raw bytes and keeps all it receives. */
export class RawStream {
  received = '';
  closed = false;
  private readonly closedPromise: Promise<void>;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.received += text;
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawStream> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new RawStream(socket)));
      socket.once('error', reject);
    });
  }

  /** Opens a client stream (`jabber:client`) to `domain`, as a client before STARTTLS would. */
  static async open(server: ServerAddress): Promise<RawStream> {
    const stream = await RawStream.connect(server.c2sPort);
    stream.write(streamHeader(server.domain));
    await stream.waitForText('</stream:features>');
    return stream;
  }

  write(data: string | Buffer): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  /** Resolves once `text` was received; rejects on close without it or after `timeoutMs`. */
  waitForText(text: string, timeoutMs = 5000): Promise<void> {
    return this.until(() => this.received.includes(text), timeoutMs, `"${text}"`);
  }

  /** Resolves with the stream error condition once the server sent one and closed the connection. */
  async streamError(timeoutMs = 5000): Promise<string> {
    await this.until(() => this.closed, timeoutMs, 'the connection to close');
    const match = /<stream:error[^>]*>\s*<([a-z-]+)/.exec(this.received);
    if (!match) throw new Error(`the connection closed without a stream error; received: ${this.received.slice(-500)}`);
    return match[1];
  }

  whenClosed(timeoutMs = 5000): Promise<void> {
    return this.until(() => this.closed, timeoutMs, 'the connection to close');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve();
        } else if (this.closed) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          reject(new Error(`the connection closed before ${what}; received: ${this.received.slice(-500)}`));
        }
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; received: ${this.received.slice(-500)}`));
      }, timeoutMs);
      this.waiters.push(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Ends the test's use of the socket, whatever state it is in. */
  async dispose(): Promise<void> {
    this.socket.destroy();
    await this.closedPromise;
  }
}

export function streamHeader(domain: string): string {
  return `<?xml version='1.0'?><stream:stream to='${domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;
}

/** Milliseconds for one XEP-0199 ping to the server and its answer. */
export async function pingOnce(client: TestClient): Promise<number> {
  const started = process.hrtime.bigint();
  await client.iq(xml('iq', { type: 'get', to: client.jid.split('@')[1].split('/')[0] }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 10000);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * An honest user who keeps using the server while an attack runs. `baseline()` measures the
 * median ping before the attack; `ratio()` measures again and divides. Times under `floorMs` count
 * as `floorMs`, so a loopback ping of a fraction of a millisecond does not turn scheduler noise
 * into a large ratio.
 */
export class HonestClient {
  private baselineMs = 0;

  private constructor(readonly client: TestClient) {}

  static async connect(server: ServerAddress, username: string, password: string): Promise<HonestClient> {
    return new HonestClient(await connectClient(server, { username, password }));
  }

  async median(pings = 15): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < pings; i++) times.push(await pingOnce(this.client));
    return median(times);
  }

  async baseline(pings = 15): Promise<number> {
    this.baselineMs = await this.median(pings);
    return this.baselineMs;
  }

  /** Median ping now divided by the baseline's (both floored at `floorMs`). */
  async ratio(pings = 15, floorMs = 2): Promise<number> {
    if (this.baselineMs === 0) throw new Error('take a baseline() first');
    const now = await this.median(pings);
    return Math.max(now, floorMs) / Math.max(this.baselineMs, floorMs);
  }

  stop(): Promise<void> {
    return this.client.stop();
  }
}

/** The ratio an honest client's median ping may reach under attack before a test fails. */
export const MAX_HONEST_SLOWDOWN = 5;
