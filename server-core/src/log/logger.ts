import pino from 'pino';

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
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const base = { name: options.name };
  const opts: pino.LoggerOptions = { level, base, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A logger that writes nothing, for tests and tools that do not want output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
