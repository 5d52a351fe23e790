export { createLogger, silentLogger, LOG_FORMATS } from './logger';
export type { Logger, LoggerOptions, LogFormat } from './logger';
export { prettyLine } from './pretty-stream';
