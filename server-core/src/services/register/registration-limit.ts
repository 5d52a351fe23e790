import type { ClusterCache } from '../../cluster/types';

const WINDOW_MS = 60 * 60 * 1000;

interface Window {
  since: number;
  count: number;
}

/**
 * How many accounts one address may register per hour, counted in a cluster cache so the limit
 * holds across nodes (a burst spread over nodes at the same instant may pass a few more: the
 * count is read, then written).
 */
export class RegistrationLimit {
  constructor(
    private readonly windows: ClusterCache<Window>,
    private readonly perHour: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one registration from `address`; false when it is over the limit (nothing counted). */
  async take(address: string): Promise<boolean> {
    const now = this.now();
    const current = this.windows.get(address);
    const window = current && now - current.since < WINDOW_MS ? current : { since: now, count: 0 };
    if (window.count >= this.perHour()) return false;
    await this.windows.set(address, { since: window.since, count: window.count + 1 });
    return true;
  }
}
