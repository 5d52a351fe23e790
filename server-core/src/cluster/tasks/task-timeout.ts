import type { TaskOutcome } from './task-registry';

/**
 * Resolves with the outcome, or with a 'timeout' outcome after `timeoutMs`.
 * The timer is cleared as soon as either side settles.
 */
export function withTaskTimeout(outcome: Promise<TaskOutcome>, timeoutMs: number): Promise<TaskOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, kind: 'timeout', error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    outcome.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, kind: 'failed', error: err instanceof Error ? err.message : String(err) });
      },
    );
  });
}
