/**
 * Prometheus metrics: one process-wide registry rendered at `/metrics` of the admin listener,
 * get-or-create helpers other modules register into (plugins use `ctx.metrics`), and the
 * core's own metrics.
 */
export { metricsRegistry, counter, gauge, histogram, renderMetrics } from './registry';
export type { MetricSpec, HistogramSpec } from './registry';
export { installCoreMetrics } from './core-metrics';
