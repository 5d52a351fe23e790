/**
 * Builds the world integration tests run in: a real server on free loopback ports with a
 * throwaway data folder, and real XMPP clients (@xmpp/client) connected over TCP+STARTTLS,
 * direct TLS or WebSocket.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../server-core/src/config';
import { startServer, type RunningServer } from '../../server-core/src/server';
import { silentLogger, type Logger } from '../../server-core/src/log';
import type { Cluster } from '../../server-core/src/cluster/types';

export interface TestServer {
  domain: string;
  c2sPort: number;
  directTlsPort: number;
  websocketUrl: string;
  server: RunningServer;
  dataDir: string;
  createUser(username: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  domain?: string;
  /** Merged over the test defaults (see below). */
  config?: Record<string, unknown>;
  cluster?: Cluster;
  dataDir?: string;
  /** Where the server logs (silent unless given). */
  logger?: Logger;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aim-test-'));
  const defaults = {
    domain: options.domain ?? 'localhost',
    dataDir,
    listeners: {
      c2s: { host: '127.0.0.1', port: 0 },
      c2sDirectTls: { host: '127.0.0.1', port: 0 },
      websocket: { host: '127.0.0.1', port: 0 },
      admin: false,
    },
    auth: { loginFailureDelayMs: 50 },
    log: { level: 'silent' },
  };
  const config = parseConfig(deepMerge(defaults, options.config ?? {}), { baseDir: dataDir });
  const server = await startServer(config, { logger: options.logger ?? silentLogger(), cluster: options.cluster });
  const { c2s, c2sDirectTls, websocket } = server.addresses;
  return {
    domain: server.domain,
    c2sPort: c2s?.port ?? 0,
    directTlsPort: c2sDirectTls?.port ?? 0,
    websocketUrl: websocket ? `ws://127.0.0.1:${websocket.port}/xmpp-websocket` : '',
    server,
    dataDir,
    createUser: (username, password) => server.context.stores.accounts.create(username, password),
    stop: async () => {
      await server.stop();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    const bothObjects = value && prev && typeof value === 'object' && typeof prev === 'object' && !Array.isArray(value) && !Array.isArray(prev);
    out[key] = bothObjects ? deepMerge(prev as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}
