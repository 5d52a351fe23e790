/**
 * Prometheus metrics: one process-wide registry rendered at `/metrics` of the admin listener,
 * get-or-create helpers other modules and plugins register into, the core's own metrics and
 * the telephony metrics the Asterisk-IM plugin updates.
 */
export { metricsRegistry, counter, gauge, histogram, renderMetrics } from './registry';
export type { MetricSpec, HistogramSpec } from './registry';
export { installCoreMetrics } from './core-metrics';
export { telephonyMetrics } from './telephony-metrics';
