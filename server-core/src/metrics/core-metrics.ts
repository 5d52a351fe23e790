import { Gauge } from 'prom-client';
import type { Element } from 'ltx';
import type { CoreContext } from '../core/core-context';
import { counter, metricsRegistry } from './registry';

/** The nodes of this process whose gauges are read at scrape time (one in production, several in tests). */
const nodes = new Set<CoreContext>();

function nodeGauge(name: string, help: string, read: (core: CoreContext) => number): Gauge<'node'> {
  const existing = metricsRegistry.getSingleMetric(name) as Gauge<'node'> | undefined;
  if (existing) return existing;
  return new Gauge({
    name,
    help,
    labelNames: ['node'],
    registers: [metricsRegistry],
    collect() {
      this.reset();
      for (const core of nodes) this.set({ node: core.nodeId }, read(core));
    },
  });
}

const STANZA_KINDS = ['message', 'presence', 'iq'] as const;
type StanzaKind = (typeof STANZA_KINDS)[number] | 'other';

/**
 * Sessions, senior flag and stanza counters of one node. Stanzas are counted by a packet
 * interceptor with the highest priority; it only bumps a pre-bound counter child, so the
 * hot path costs one map lookup and an addition. Returns the undo.
 */
export function installCoreMetrics(core: CoreContext): () => void {
  nodeGauge('aim_sessions_local', 'Client sessions bound on this node', (c) => c.sessions.size);
  nodeGauge('aim_cluster_senior', 'This node is the senior cluster member (1) or not (0)', (c) => (c.cluster.isSenior() ? 1 : 0));
  nodeGauge('aim_route_table_size', 'Resources in the cluster-wide route table as seen by this node', (c) => c.routes.size);
  const stanzas = counter({ name: 'aim_stanzas_total', help: 'Stanzas received from (in) and written to (out) local client sessions', labelNames: ['node', 'direction', 'kind'] as const });
  const bound = (direction: 'in' | 'out') => {
    const byKind = new Map<string, ReturnType<typeof stanzas.labels>>();
    for (const kind of [...STANZA_KINDS, 'other'] as StanzaKind[]) byKind.set(kind, stanzas.labels(core.nodeId, direction, kind));
    return (stanza: Element) => (byKind.get(stanza.name) ?? byKind.get('other')!).inc();
  };
  const countIn = bound('in');
  const countOut = bound('out');
  const removeInterceptor = core.interceptors.add({
    name: 'metrics.stanza-counter',
    priority: Number.MAX_SAFE_INTEGER,
    intercept(stanza, context) {
      if (context.processed) return undefined;
      if (context.direction === 'incoming') countIn(stanza);
      else countOut(stanza);
      return undefined;
    },
  });
  nodes.add(core);
  return () => {
    removeInterceptor();
    nodes.delete(core);
  };
}
