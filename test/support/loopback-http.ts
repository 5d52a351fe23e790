import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackSite {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port, for pages the browser tests load. */
export async function serveOnLoopback(handler: http.RequestListener): Promise<LoopbackSite> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
