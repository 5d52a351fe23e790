import type { PepService, PluginCluster, PluginContext } from '@asterisk-im/server-core';
import type { AsteriskImConfig } from '../config';
import { KeyedRetry } from '../retry';
import type { UserPhoneState } from '../calls';
import type { PhoneStateView } from '../runtime';
import { ACTIVITY_NS, isNoActivity, isOnThePhone, noActivity, onThePhone } from './activity-payload';

/** Like the cluster's cache reload retry: soon after Redis is back, without hammering it meanwhile. */
const PUBLISH_RETRY_MS = 500;

/** What the phone activity uses of the plugin context (a test gives just that). */
export type PhoneActivityContext = Pick<PluginContext<AsteriskImConfig>, 'logger' | 'timers'> & { cluster: Pick<PluginCluster, 'isSenior'> };

/**
 * Keeps each user's XEP-0108 activity in line with the phone: `on_the_phone` while on a call,
 * empty when the last call ends. The user's current PEP item is the memory (stored by
 * PEP in SQL), so whichever node is senior acts once, and a new senior starts from the truth. An
 * activity the user set themselves during the call is left alone at hang-up.
 */
export class PhoneActivity {
  /** One update per user at a time, in the order the changes arrived. */
  private readonly pending = new Map<string, Promise<void>>();
  /** Users whose activity could not be published (Redis unreachable): published again. */
  private readonly unpublished: KeyedRetry;

  constructor(
    private readonly ctx: PhoneActivityContext,
    private readonly pep: Pick<PepService, 'item' | 'publish'>,
    private readonly phoneState: Pick<PhoneStateView, 'userState'>,
    /** The text of the activity for a user's entry (what the phone presence says), or null when nobody may see it. */
    private readonly textFor: (entry: UserPhoneState) => string | null = () => 'On the phone',
  ) {
    this.unpublished = new KeyedRetry(ctx.timers, PUBLISH_RETRY_MS, (user) => this.onUserChange(user, { retry: true }));
  }

  /**
   * A user's phone state changed (on any node): the senior brings the activity in line. A retry
   * publishes even what the local copy shows already: after a failed publish it shows an item
   * the other nodes never received.
   */
  onUserChange(user: string, { retry = false } = {}): void {
    if (!this.ctx.cluster.isSenior()) return;
    const previous = this.pending.get(user) ?? Promise.resolve();
    const next = previous.then(() => {
      const entry = this.phoneState.userState(user);
      return this.update(user, entry?.onPhone === true ? this.textFor(entry) : null, retry);
    });
    this.pending.set(user, next);
    void next
      .catch((err) => {
        // One warning per outage and user, not one per retry.
        if (!retry) this.ctx.logger.warn({ err, user }, 'could not publish the phone activity; retrying');
        this.unpublished.failed(user);
      })
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
      await this.update(user, null).catch((err) => this.ctx.logger.warn({ err, user }, 'could not clear the phone activity'));
    }
  }

  /** `phoneText`: the activity's text while on the phone, null when not. */
  private async update(user: string, phoneText: string | null, again = false): Promise<void> {
    const current = await this.pep.item(user, ACTIVITY_NS);
    const onPhone = phoneText !== null;
    const shown = current !== undefined && isOnThePhone(current.payload);
    const sameText = !onPhone || (current?.payload.getChildText('text') ?? '') === phoneText;
    // Again: what this class published last (not an activity the user set) is published once more.
    const ours = current !== undefined && (isOnThePhone(current.payload) || isNoActivity(current.payload));
    if ((onPhone === shown && sameText && !(again && ours)) || !this.ctx.cluster.isSenior()) return;
    await this.pep.publish(user, ACTIVITY_NS, onPhone ? onThePhone(phoneText) : noActivity());
  }
}
