import net from 'node:net';
import { readOneChunkPerTurn } from './one-chunk-per-turn';

/** A local server that writes `bytes` at once to whoever connects, and a client reading it with `read`. */
async function backlog(bytes: number, read: (socket: net.Socket, onChunk: (chunk: string) => void) => void): Promise<{ received: number; mostChunksInOneTurn: number }> {
  const server = net.createServer((socket) => socket.end('x'.repeat(bytes)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.createConnection({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
  client.setEncoding('utf8');
  let received = 0;
  let chunksThisTurn = 0;
  let mostChunksInOneTurn = 0;
  let ticking = true;
  const tick = (): void => {
    mostChunksInOneTurn = Math.max(mostChunksInOneTurn, chunksThisTurn);
    chunksThisTurn = 0;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  read(client, (chunk) => {
    received += chunk.length;
    chunksThisTurn += 1;
  });
  await new Promise<void>((resolve) => client.on('end', resolve));
  ticking = false;
  server.close();
  return { received, mostChunksInOneTurn: Math.max(mostChunksInOneTurn, chunksThisTurn) };
}

test('a backlog is read whole, one chunk per turn of the event loop', async () => {
  const bytes = 8 * 1024 * 1024;
  // What the socket does by itself: many chunks in one turn, so timers wait behind the backlog.
  const plain = await backlog(bytes, (socket, onChunk) => socket.on('data', onChunk));
  expect(plain.received).toBe(bytes);
  expect(plain.mostChunksInOneTurn).toBeGreaterThan(1);

  const paced = await backlog(bytes, readOneChunkPerTurn);
  expect(paced.received).toBe(bytes);
  expect(paced.mostChunksInOneTurn).toBe(1);
});
