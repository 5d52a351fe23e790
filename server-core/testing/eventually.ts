const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_INTERVAL_MS = 10;

export interface EventuallyOptions {
  /** Default 5000. */
  timeoutMs?: number;
  /** Pause between two checks; default 10. */
  intervalMs?: number;
}

/**
 * The one way tests wait for a condition: resolves once `check` returns (or resolves with)
 * true, and fails naming `what` after the timeout. A check that throws counts as "not yet";
 * its last error is part of the timeout's message, so a check that can never pass still says why.
 */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, options: EventuallyOptions | number = {}): Promise<void> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, intervalMs = DEFAULT_INTERVAL_MS } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError === undefined ? '' : ` (last check failed: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
