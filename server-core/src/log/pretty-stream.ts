/**
 * pino's JSON lines made readable for a person at a terminal: `12:04:05 WARN  [plugins] message
 * key=value`. Only the rendering changes; the same fields (already redacted by pino) are shown.
 */
import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields shown in the line's head or that say nothing to a reader. */
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'component', 'plugin']);

function renderValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value && typeof value === 'object' && 'message' in value && 'stack' in value) return JSON.stringify((value as { message: unknown }).message);
  return JSON.stringify(value);
}

/** One JSON log line as one readable line (a line that is not JSON is passed through). */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '--:--:--';
  const level = (LEVELS[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const where = [entry.component, entry.plugin && `plugin ${String(entry.plugin)}`].filter(Boolean).map(String);
  const head = where.length > 0 ? `[${where.join(' ')}] ` : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${renderValue(value)}`);
  return [`${time} ${level} ${head}${String(entry.msg ?? '')}`, ...fields].join(' ');
}

/** A destination for pino that writes readable lines to `out`. */
export function prettyStream(out: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${prettyLine(line)}\n`);
      done();
    },
  });
}
