/**
 * Two federated servers on loopback: our node (`a.localhost`) and a private Prosody
 * (`b.localhost`), each with a static route to the other's server-to-server port, so no DNS
 * is asked. Prosody gets a self-signed certificate our node does not trust and vice versa:
 * both directions authenticate with Server Dialback (XEP-0220) after STARTTLS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNode, connectClient, passwordOf, type TestNode, type TestClient } from '../../server-core/testing';
import { ensureCertificate } from '../../server-core/src/transport/self-signed-certificate';
import { silentLogger } from '../../server-core/src/log';
import type { LinkView } from '../../server-core/src/services/s2s';
import { TestClusterWorld } from '../../server-core/testing/cluster-world';
import { nodeStorage, type NodeStorage } from '../support/node-storage';
import { freePort, startProsody, writeProsodyAccount, type PrivateProsody } from '../support/prosody';
import { createTestAuthority } from './test-certificates';

export const OUR_DOMAIN = 'a.localhost';
export const PROSODY_DOMAIN = 'b.localhost';

export interface FederationWorld {
  /** Our first node; in a cluster, the one users log in to unless told otherwise. */
  node: TestNode;
  /** Every node of ours; Prosody's static route points at the last one. */
  nodes: TestNode[];
  /** The server-to-server port Prosody dials. */
  s2sPort: number;
  prosody: PrivateProsody;
  prosodyC2sPort: number;
  prosodyS2sPort: number;
  /** Logs in to one of our nodes (default the first). */
  ours(user: string, resource?: string, node?: number): Promise<TestClient>;
  /** Logs in to Prosody. */
  theirs(user: string, resource?: string): Promise<TestClient>;
  links(): Promise<LinkView[]>;
  stopProsody(): Promise<void>;
  startProsody(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `clusterNodes`: that many nodes of a.localhost in one process, sharing Redis and PostgreSQL
 * (default: one node on SQLite).
 */
/**
 * `withAuthority`: both servers get certificates from one private authority and trust it, so
 * they can authenticate with SASL EXTERNAL instead of dialback.
 */
export async function startFederation(options: {
  ourUsers: string[];
  prosodyUsers: string[];
  s2sConfig?: Record<string, unknown>;
  clusterNodes?: number;
  nodeConfig?: Record<string, unknown>;
  withAuthority?: boolean;
}): Promise<FederationWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-prosody-'));
  const authority = options.withAuthority ? createTestAuthority(path.join(dir, 'ca')) : undefined;
  const ourTls = authority ? { tls: authority.issue(OUR_DOMAIN) } : {};
  const ourTrust = authority ? { caFile: authority.caFile } : {};
  const [prosodyC2sPort, prosodyS2sPort] = [await freePort(), await freePort()];
  const cluster = options.clusterNodes ? new TestClusterWorld() : undefined;
  const storage: NodeStorage | undefined = cluster ? await nodeStorage('postgres') : undefined;
  const nodes: TestNode[] = [];
  let s2sPort = 0;
  for (let i = 0; i < (options.clusterNodes ?? 1); i++) {
    s2sPort = await freePort();
    const s2s = { enabled: true, config: { listener: { host: '127.0.0.1', port: s2sPort }, routes: { [PROSODY_DOMAIN]: `127.0.0.1:${prosodyS2sPort}` }, ...ourTrust, ...options.s2sConfig } };
    nodes.push(await startNode({ domain: OUR_DOMAIN, cluster: cluster?.node(`node-${i + 1}`), config: { ...storage?.config, ...ourTls, ...options.nodeConfig, modules: { s2s } } }));
  }
  const node = nodes[0];
  for (const user of options.ourUsers) await node.createUser(user, passwordOf(user));
  const certificate = authority ? { ...authority.issue(PROSODY_DOMAIN), caFile: authority.caFile } : await ensureCertificate({ domain: PROSODY_DOMAIN, dataDir: dir, tls: {} }, silentLogger());
  for (const user of options.prosodyUsers) writeProsodyAccount(dir, PROSODY_DOMAIN, user, passwordOf(user));
  const prosodyOptions = {
    dir,
    domain: PROSODY_DOMAIN,
    c2sPort: prosodyC2sPort,
    s2sPort: prosodyS2sPort,
    s2sRoutes: { [OUR_DOMAIN]: { host: '127.0.0.1', port: s2sPort }, [`conference.${OUR_DOMAIN}`]: { host: '127.0.0.1', port: s2sPort } },
    certificate: { certFile: certificate.certFile, keyFile: certificate.keyFile, caFile: 'caFile' in certificate ? certificate.caFile : undefined },
    modules: ['roster', 'saslauth', 'disco', 'ping', 'vcard', 'blocklist'],
    logLevel: 'debug' as const,
  };
  const clients: TestClient[] = [];
  const world: FederationWorld = {
    node,
    nodes,
    s2sPort,
    prosody: await startProsody(prosodyOptions),
    prosodyC2sPort,
    prosodyS2sPort,
    async ours(user, resource = 'r', index = 0) {
      const client = await connectClient(nodes[index], { username: user, password: passwordOf(user), resource });
      clients.push(client);
      return client;
    },
    async theirs(user, resource = 'r') {
      const client = await connectClient({ domain: PROSODY_DOMAIN, c2sPort: prosodyC2sPort, directTlsPort: 0, websocketUrl: '' }, { username: user, password: passwordOf(user), resource });
      clients.push(client);
      return client;
    },
    links: () => node.server.context.services.ref('s2s').current!.links(),
    stopProsody: () => world.prosody.stop(),
    async startProsody() {
      world.prosody = await startProsody(prosodyOptions);
    },
    async stop() {
      await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
      await world.prosody.stop();
      for (const one of [...nodes].reverse()) await one.stop();
      await cluster?.stopAll();
      await storage?.dispose();
      if (process.env.KEEP_PROSODY_DIR) console.log(`prosody folder kept: ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
