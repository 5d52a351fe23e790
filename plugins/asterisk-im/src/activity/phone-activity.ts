import type { PepService, PluginContext } from '@asterisk-im/server-core';
import type { AsteriskImConfig } from '../config';
import type { PhoneStateView } from '../runtime';
import { ACTIVITY_NS, isOnThePhone, noActivity, onThePhone } from './activity-payload';

/**
 * Keeps each user's XEP-0108 activity in line with the phone: `on_the_phone` while on a call,
 * empty when the last call ends. The user's current PEP item is the memory (stored by
 * PEP in SQL), so whichever node is senior acts once, and a new senior starts from the truth. An
 * activity the user set themselves during the call is left alone at hang-up.
 */
export class PhoneActivity {
  /** One update per user at a time, in the order the changes arrived. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: PluginContext<AsteriskImConfig>,
    private readonly pep: PepService,
    private readonly phoneState: PhoneStateView,
  ) {}

  /** A user's phone state changed (on any node): the senior brings the activity in line. */
  onUserChange(user: string): void {
    if (!this.ctx.cluster.isSenior()) return;
    const previous = this.pending.get(user) ?? Promise.resolve();
    const next = previous.then(() => this.update(user, this.phoneState.userState(user)?.onPhone === true));
    this.pending.set(user, next);
    void next
      .catch((err) => this.ctx.logger.warn({ err, user }, 'could not publish the phone activity'))
      .finally(() => {
        if (this.pending.get(user) === next) this.pending.delete(user);
      });
  }

  /** A new senior: every user the replicated phone state knows gets checked once. */
  onMarkedSenior(users: string[]): void {
    for (const user of users) this.onUserChange(user);
  }

  /** The plugin stops: whoever is shown on the phone is shown as not doing it any more. */
  async clearAll(users: string[]): Promise<void> {
    await Promise.allSettled([...this.pending.values()]);
    if (!this.ctx.cluster.isSenior()) return;
    for (const user of users) {
      await this.update(user, false).catch((err) => this.ctx.logger.warn({ err, user }, 'could not clear the phone activity'));
    }
  }

  private async update(user: string, onPhone: boolean): Promise<void> {
    const current = await this.pep.item(user, ACTIVITY_NS);
    const shown = current !== undefined && isOnThePhone(current.payload);
    if (onPhone === shown || !this.ctx.cluster.isSenior()) return;
    await this.pep.publish(user, ACTIVITY_NS, onPhone ? onThePhone() : noActivity());
  }
}
