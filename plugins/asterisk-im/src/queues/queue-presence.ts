import type { AmiLinkState } from '../ami';
import type { AsteriskImRuntime, UserPresenceChange } from '../runtime';
import { setQueuePause } from './queue-pause';

/**
 * Keeps each user's devices paused in the Asterisk queues while the user is not
 * available in chat (away, xa, dnd or offline) and unpaused while available or
 * chat. Every node keeps the users' availability (the runtime tells every node),
 * so whichever node becomes senior can act at once; only the senior sends
 * `QueuePause`, and it remembers what it told Asterisk so nothing is sent twice.
 * What Asterisk was told is forgotten when a link reconnects or seniority moves,
 * and applied again.
 */
export class QueuePresence {
  private readonly available = new Map<string, boolean>();
  /** device -> paused, as last sent to Asterisk (senior only); dropped again when the send fails. */
  private readonly told = new Map<string, boolean>();
  private readonly linkStates = new Map<string, AmiLinkState>();
  /** One chain of AMI actions per device, so a quick away/available never arrives reordered. */
  private readonly queues = new Map<string, Promise<void>>();
  private enabled: boolean;

  constructor(private readonly runtime: AsteriskImRuntime) {
    this.enabled = runtime.settings().queuePresence;
  }

  onUserPresence(change: UserPresenceChange): void {
    this.available.set(change.user, change.available);
    this.applyUser(change.user);
  }

  /** The settings may have changed: turning the feature off unpauses what we paused. */
  onSettingsChange(): void {
    const enabled = this.runtime.settings().queuePresence;
    if (enabled === this.enabled) {
      if (enabled) this.applyAll();
      return;
    }
    this.enabled = enabled;
    if (enabled) {
      this.applyAll();
      return;
    }
    for (const [device, paused] of [...this.told]) if (paused) this.send(device, false);
    this.told.clear();
  }

  onSeniorityChange(): void {
    this.told.clear();
    this.applyAll();
  }

  /** Called periodically: a link that (re)connected gets every known state again. */
  checkLinks(): void {
    for (const { server, state } of this.runtime.links.status()) {
      const before = this.linkStates.get(server);
      this.linkStates.set(server, state);
      if (state !== 'connected' || before === 'connected') continue;
      // A reconnect means Asterisk may have forgotten; the first look at a link only catches up on
      // sends that could not happen yet (those were never recorded as told), so nothing is sent twice.
      if (before !== undefined) for (const device of this.runtime.store.devices.list()) if (device.server === server) this.told.delete(device.device);
      this.applyAll();
    }
  }

  private applyAll(): void {
    for (const user of this.available.keys()) this.applyUser(user);
  }

  private applyUser(user: string): void {
    if (!this.enabled || !this.runtime.ctx.cluster.isSenior()) return;
    const available = this.available.get(user);
    if (available === undefined) return;
    for (const device of this.runtime.store.devices.ofUser(user)) {
      if (this.told.get(device.device) !== !available) this.send(device.device, !available);
    }
  }

  private send(device: string, paused: boolean): void {
    this.told.set(device, paused);
    const previous = this.queues.get(device) ?? Promise.resolve();
    const next = previous.then(() => this.pause(device, paused));
    this.queues.set(device, next);
    void next.finally(() => {
      if (this.queues.get(device) === next) this.queues.delete(device);
    });
  }

  private async pause(device: string, paused: boolean): Promise<void> {
    const mapping = this.runtime.store.devices.get(device);
    const link = mapping && this.runtime.links.linkFor(mapping.server);
    // Checked right before the action: seniority may have moved while this waited its turn.
    if (!link || link.state !== 'connected' || !this.runtime.ctx.cluster.isSenior()) return this.notSent(device, paused);
    try {
      const result = await setQueuePause(link, device, paused);
      this.runtime.ctx.logger.info({ device, paused, result }, 'queue pause follows chat presence');
    } catch (error) {
      this.notSent(device, paused);
      this.runtime.ctx.logger.warn({ err: error, device, paused }, 'could not change the queue pause');
    }
  }

  /** Forget a send that did not happen, unless a newer one took its place; the next reconnect or change sends it again. */
  private notSent(device: string, paused: boolean): void {
    if (this.told.get(device) === paused) this.told.delete(device);
  }
}
