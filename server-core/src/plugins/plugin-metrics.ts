import type { Counter, Gauge, Histogram } from 'prom-client';
import { counter, gauge, histogram, metricsRegistry, type HistogramSpec, type MetricSpec } from '../metrics';
import type { Scope } from '../lifecycle/scope';

/** Metrics a plugin registers in the server's registry; each is removed when the plugin stops. */
export interface PluginMetrics {
  counter<L extends string = never>(spec: MetricSpec<L>): Counter<L>;
  gauge<L extends string = never>(spec: MetricSpec<L>): Gauge<L>;
  histogram<L extends string = never>(spec: HistogramSpec<L>): Histogram<L>;
}

/** Names the process collects itself; a plugin may not shadow them. */
const RESERVED_PREFIX = 'aim_process_';

/**
 * The plugin owning each metric name, and how many registrations of it are live. The registry
 * is process-wide while a plugin runs once per node (several nodes share a test process), so a
 * metric leaves the registry when its last registration is undone.
 */
const claims = new Map<string, { plugin: string; live: number }>();

function claim(plugin: string, name: string): void {
  const owner = claims.get(name);
  if (owner) {
    if (owner.plugin !== plugin) throw new Error(`metric ${name} is registered by plugin ${owner.plugin}`);
    owner.live += 1;
    return;
  }
  if (name.startsWith(RESERVED_PREFIX) || metricsRegistry.getSingleMetric(name)) throw new Error(`metric ${name} belongs to the server`);
  claims.set(name, { plugin, live: 1 });
}

function release(name: string): void {
  const owner = claims.get(name);
  if (!owner) return;
  owner.live -= 1;
  if (owner.live > 0) return;
  claims.delete(name);
  metricsRegistry.removeSingleMetric(name);
}

/** `ctx.metrics` of one plugin: names are checked against the server's and other plugins' metrics. */
export function scopedMetrics(plugin: string, scope: Scope): PluginMetrics {
  const register = <M>(spec: MetricSpec<string>, create: () => M): M => {
    claim(plugin, spec.name);
    try {
      const metric = create();
      scope.own(() => release(spec.name));
      return metric;
    } catch (err) {
      release(spec.name);
      throw err;
    }
  };
  return {
    counter: (spec) => register(spec, () => counter(spec)),
    gauge: (spec) => register(spec, () => gauge(spec)),
    histogram: (spec) => register(spec, () => histogram(spec)),
  };
}
