export { createLogger, silentLogger, LOG_FORMATS } from './logger';
export type { Logger, LoggerOptions, LogFormat } from './logger';
export { prettyLine } from './pretty-stream';
export { AggregatedWarnings, AGGREGATED_WARNING_DEFAULTS } from './aggregated-warnings';
export type { AggregatedWarningsOptions } from './aggregated-warnings';
