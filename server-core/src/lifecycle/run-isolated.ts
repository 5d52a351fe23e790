import type { Logger } from '../log';

/**
 * Runs a callback that belongs to someone else (a listener, a timer, an undo) so that a throw
 * or a rejected promise is logged instead of breaking the caller: whoever called it carries on.
 */
export function runIsolated(callback: () => unknown, logger: Logger, message: string, fields: Record<string, unknown> = {}): void {
  try {
    const result = callback();
    if (isPromiseLike(result)) result.then(undefined, (err: unknown) => logger.error({ ...fields, err }, message));
  } catch (err) {
    logger.error({ ...fields, err }, message);
  }
}

/** Like runIsolated, but waits for an async callback to settle (undos run one after another). */
export async function runIsolatedAwaited(callback: () => unknown, logger: Logger, message: string, fields: Record<string, unknown> = {}): Promise<void> {
  try {
    await callback();
  } catch (err) {
    logger.error({ ...fields, err }, message);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
