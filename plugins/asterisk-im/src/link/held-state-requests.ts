import type { PluginCluster, PluginContext } from '@asterisk-im/server-core';
import type { AsteriskImConfig } from '../config';
import type { PhoneStateCache } from '../presence/phone-state-cache';
import { KeyedRetry } from '../retry';

const CONFIRM_TOPIC = 'phone-state.confirm';
/**
 * How soon a node that still holds entries asks again: the senior it asked may have lost its
 * lease meanwhile, or the message may have gone while Redis came back.
 */
const ASK_AGAIN_MS = 1000;

/** What the requests use of the plugin context (a test gives just that). */
export type HeldStateContext = Pick<PluginContext<AsteriskImConfig>, 'nodeId' | 'timers' | 'onStop'> & {
  cluster: Pick<PluginCluster, 'seniorId' | 'send' | 'onMessage'>;
};

/** The senior's side: republishes every user and writes the completion mark. */
export interface PhoneStateConfirmer {
  confirmPhoneState(): void;
}

/**
 * Entries that vanished in a reload are held by the phone state cache until the senior says
 * what is true. This asks the senior (itself, if it is) to say it, and asks again while
 * anything is still held; on the senior it answers every node's requests.
 */
export class HeldStateRequests {
  private readonly again: KeyedRetry;
  private askQueued = false;

  constructor(
    private readonly ctx: HeldStateContext,
    private readonly phoneState: PhoneStateCache,
    private readonly confirmer: PhoneStateConfirmer,
  ) {
    this.again = new KeyedRetry(ctx.timers, ASK_AGAIN_MS, () => this.ask());
  }

  start(): void {
    this.ctx.onStop(this.ctx.cluster.onMessage(CONFIRM_TOPIC, () => this.confirmer.confirmPhoneState()));
    this.ctx.onStop(this.phoneState.onHold(() => this.queueAsk()));
  }

  /** Once per turn, however many entries a reload found missing. */
  private queueAsk(): void {
    if (this.askQueued) return;
    this.askQueued = true;
    setImmediate(() => {
      this.askQueued = false;
      this.ask();
    });
  }

  private ask(): void {
    if (this.phoneState.heldUsers().length === 0) return;
    const senior = this.ctx.cluster.seniorId();
    if (senior === this.ctx.nodeId) this.confirmer.confirmPhoneState();
    else if (senior !== null) this.ctx.cluster.send(senior, CONFIRM_TOPIC, '');
    this.again.failed('held');
  }
}
