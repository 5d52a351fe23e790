export { createLogger, silentLogger } from './logger';
export type { Logger, LoggerOptions } from './logger';
export { AggregatedWarnings, AGGREGATED_WARNING_DEFAULTS } from './aggregated-warnings';
export type { AggregatedWarningsOptions } from './aggregated-warnings';
