import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process-wide metrics registry `/metrics` renders. Modules and plugins register into it
 * with the get-or-create helpers below, so a plugin that is disabled and enabled again (or two
 * nodes in one test process) reuse the same metric instead of failing on a duplicate name.
 */
export const metricsRegistry = new Registry();
// The event-loop lag histogram samples at this resolution and includes it in every sample, so
// the default 10 ms would put a 10-20 ms floor under a figure we want well below 20 ms.
collectDefaultMetrics({ register: metricsRegistry, prefix: 'aim_process_', eventLoopMonitoringPrecision: 1 });

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface HistogramSpec<L extends string> extends MetricSpec<L> {
  /** Upper bounds in the metric's unit (seconds for latencies). */
  buckets?: number[];
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

function getOrCreate<M extends AnyMetric>(spec: MetricSpec<string>, kind: string, create: () => M): M {
  if (!METRIC_NAME.test(spec.name)) throw new Error(`metric name "${spec.name}" is not a valid Prometheus name`);
  const existing = metricsRegistry.getSingleMetric(spec.name) as (AnyMetric & { constructor: { name: string } }) | undefined;
  if (!existing) return create();
  if (existing.constructor.name !== kind) throw new Error(`metric ${spec.name} is already registered as a ${existing.constructor.name}`);
  return existing as M;
}

/** A monotonically increasing count (events, stanzas); rate() gives "per second". */
export function counter<L extends string>(spec: MetricSpec<L>): Counter<L> {
  return getOrCreate(spec, 'Counter', () => new Counter<L>({ ...spec, labelNames: spec.labelNames ?? [], registers: [metricsRegistry] })) as Counter<L>;
}

/** A value that goes up and down (sessions, link up 0/1). */
export function gauge<L extends string>(spec: MetricSpec<L>): Gauge<L> {
  return getOrCreate(spec, 'Gauge', () => new Gauge<L>({ ...spec, labelNames: spec.labelNames ?? [], registers: [metricsRegistry] })) as Gauge<L>;
}

/** A distribution (latencies), observed in seconds by convention. */
export function histogram<L extends string>(spec: HistogramSpec<L>): Histogram<L> {
  return getOrCreate(spec, 'Histogram', () => new Histogram<L>({ ...spec, labelNames: spec.labelNames ?? [], registers: [metricsRegistry] })) as Histogram<L>;
}

/** The registry in the Prometheus text exposition format. */
export async function renderMetrics(): Promise<{ contentType: string; text: string }> {
  return { contentType: metricsRegistry.contentType, text: await metricsRegistry.metrics() };
}
