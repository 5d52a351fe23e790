/**
 * Delay before reconnect attempt number `attempt` (0 for the first retry):
 * exponential from `minMs`, with up to ±25 % jitter so that many links (or
 * nodes) that lost Asterisk together do not come back in lockstep, always
 * within [minMs, maxMs].
 */
export function reconnectDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = minMs * 2 ** Math.min(attempt, 30);
  const jittered = exponential * (0.75 + 0.5 * random());
  return Math.round(Math.min(maxMs, Math.max(minMs, jittered)));
}
