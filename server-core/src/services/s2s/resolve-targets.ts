import { promises as dns, type SrvRecord } from 'node:dns';
import { parseRoute } from './config';

/** An address to dial for a remote domain. */
export interface Target {
  host: string;
  port: number;
  /** XEP-0368: TLS from the first byte instead of STARTTLS. */
  directTls: boolean;
}

/** RFC 2782 order: lowest priority first; within one priority, heavier weights first. */
function ordered(records: SrvRecord[]): SrvRecord[] {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

async function srv(name: string): Promise<SrvRecord[]> {
  try {
    return await dns.resolveSrv(name);
  } catch {
    return []; // NXDOMAIN, no records, no resolver: the next way is tried
  }
}

/**
 * Where a remote domain's server listens: the static route when one is configured (DNS is then
 * never asked), otherwise `_xmpp-server._tcp` SRV records (RFC 6120 3.2), then
 * `_xmpps-server._tcp` (XEP-0368), and without any the domain itself on 5269. A single SRV
 * record with target "." says the domain offers no service.
 */
export async function resolveTargets(domain: string, routes: Readonly<Record<string, string>>): Promise<Target[]> {
  const route = routes[domain];
  if (route) return [{ ...parseRoute(route), directTls: false }];
  const [plain, direct] = await Promise.all([srv(`_xmpp-server._tcp.${domain}`), srv(`_xmpps-server._tcp.${domain}`)]);
  const none = (records: SrvRecord[]) => records.length === 1 && records[0].name === '.';
  if (none(plain) && (direct.length === 0 || none(direct))) return [];
  const targets = [
    ...ordered(plain.filter((r) => r.name !== '.')).map((r) => ({ host: r.name, port: r.port, directTls: false })),
    ...ordered(direct.filter((r) => r.name !== '.')).map((r) => ({ host: r.name, port: r.port, directTls: true })),
  ];
  return targets.length > 0 ? targets : [{ host: domain, port: 5269, directTls: false }];
}
