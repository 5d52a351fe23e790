import type { Socket } from 'node:net';

/**
 * Hands `onChunk` one chunk of the socket's input per turn of the event loop. Asterisk can send
 * a backlog of megabytes at once (after a pause, or in a burst of calls); read in one go it
 * would hold the loop for hundreds of milliseconds, and the cluster lease renewal, the AMI
 * keep-alive and every client would wait. Paused between chunks, the unread rest stays in the
 * kernel's buffers and Asterisk's, which is where backpressure belongs.
 */
export function readOneChunkPerTurn(socket: Socket, onChunk: (chunk: string) => void): void {
  const resume = (): void => {
    if (!socket.destroyed) socket.resume();
  };
  socket.on('data', (chunk: string) => {
    socket.pause();
    setImmediate(resume);
    onChunk(chunk);
  });
}
