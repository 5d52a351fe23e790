import pino from 'pino';
import { prettyStream } from './pretty-stream';

export type Logger = pino.Logger;

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACTED_PATHS = [
  'password',
  'secret',
  '*.password',
  '*.secret',
  '*.*.secret',
  'config.servers[*].secret',
  'token',
  '*.token',
];

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Write to this stream instead of stdout (tests). */
  destination?: pino.DestinationStream;
  /** `json` (one object per line, for log collectors) or `pretty` (readable lines, for a terminal). Default json. */
  format?: LogFormat;
}

export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const base = { name: options.name };
  const opts: pino.LoggerOptions = { level, base, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (options.format === 'pretty') return pino(opts, prettyStream(options.destination ? (options.destination as unknown as NodeJS.WritableStream) : process.stdout));
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A logger that writes nothing, for tests and tools that do not want output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
