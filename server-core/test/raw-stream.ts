import net from 'node:net';

/** A bare TCP connection speaking hand-written XML, for tests of what clients should never send. */
export class RawStream {
  private buffer = '';
  private closed = false;
  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.buffer += chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawStream> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawStream(socket)));
      socket.once('error', reject);
    });
  }

  static header(domain = 'localhost'): string {
    return `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}' version='1.0'>`;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  get text(): string {
    return this.buffer;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async waitForText(needle: string | RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const found = () => (typeof needle === 'string' ? this.buffer.includes(needle) : needle.test(this.buffer));
    while (!found()) {
      if (Date.now() > deadline) throw new Error(`did not receive ${needle} within ${timeoutMs} ms; got: ${this.buffer.slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.buffer;
  }

  async waitForClose(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection was not closed by the server');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
