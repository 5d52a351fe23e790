import net from 'node:net';

/**
 * Relays TCP to Redis for tests of a node whose link to Redis stalls. `hold()` keeps what
 * clients send until `release()` (replies still flow), as a frozen process or a stalled socket
 * would. `holdSubscriptions()` keeps what Redis sends on subscriber connections (those that
 * issued SUBSCRIBE) until `releaseSubscriptions()`: the node's writes and their replies go on,
 * but it hears of other nodes' changes late.
 */
export class HoldingRelay {
  private held: Array<() => void> | null = null;
  private heldDown: Array<() => void> | null = null;
  private readonly sockets = new Set<net.Socket>();
  /** Connections the relay has accepted so far. */
  accepted = 0;
  private constructor(private readonly server: net.Server) {}

  static async start(target: { host: string; port: number }): Promise<HoldingRelay> {
    let relay: HoldingRelay | undefined;
    const server = net.createServer((client) => {
      relay!.accepted += 1;
      const upstream = net.connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        relay!.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          relay!.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      let subscriber = false;
      client.on('data', (chunk) => {
        // The SUBSCRIBE command itself (RESP `$9 subscribe`), never a payload that mentions the word.
        if (!subscriber && /\$(9|10)\r\n(p|s)?subscribe\r\n/i.test(chunk.toString('latin1'))) subscriber = true;
        if (relay!.held) relay!.held.push(() => upstream.write(chunk));
        else upstream.write(chunk);
      });
      upstream.on('data', (chunk) => (subscriber && relay!.heldDown ? relay!.heldDown.push(() => client.write(chunk)) : client.write(chunk)));
    });
    relay = new HoldingRelay(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get endpoint(): { host: string; port: number } {
    return { host: '127.0.0.1', port: (this.server.address() as net.AddressInfo).port };
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const send of held) send();
  }

  holdSubscriptions(): void {
    this.heldDown ??= [];
  }

  releaseSubscriptions(): void {
    const held = this.heldDown ?? [];
    this.heldDown = null;
    for (const send of held) send();
  }

  /** Drops every connection, as a network blip does: the Redis client reconnects and resends what had no reply. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.release();
    this.releaseSubscriptions();
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
