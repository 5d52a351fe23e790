import type { Element } from 'ltx';
import type { ClientSession, OutputStageHandle } from '../../session';
import { importance } from './importance';

/** Before stream management (order 100): what is held back is not sent, so not counted yet. */
const CSI_STAGE_ORDER = 10;

/**
 * One session's output while its client says it is inactive (XEP-0352): status presence and
 * deferrable stanzas wait, the newest presence per sender replacing older ones; an urgent
 * stanza goes out at once, after everything held (so the client sees them in order). Flushed
 * when the client is active again, when more than `maxHeld` wait, or when the stage goes.
 */
export class HeldStanzas {
  private inactive = false;
  private held: Array<{ stanza: Element; presenceFrom?: string }> = [];
  private readonly stage: OutputStageHandle;

  constructor(
    session: ClientSession,
    private readonly maxHeld: () => number,
  ) {
    this.stage = session.output.add({ name: 'csi', order: CSI_STAGE_ORDER, write: (stanza, next) => this.write(stanza, next) });
  }

  get isInactive(): boolean {
    return this.inactive;
  }

  get size(): number {
    return this.held.length;
  }

  setInactive(inactive: boolean): void {
    this.inactive = inactive;
    if (!inactive) this.flush();
  }

  /** Sends what is held and takes the stage out of the session's output. */
  remove(): void {
    this.flush();
    this.stage.remove();
  }

  private write(stanza: Element, next: (stanza: Element) => void): void {
    if (!this.inactive) return next(stanza);
    const what = importance(stanza);
    if (what.kind === 'urgent') {
      this.flush();
      return next(stanza);
    }
    if (what.kind === 'presence') {
      const older = this.held.findIndex((entry) => entry.presenceFrom === what.from);
      if (older >= 0) this.held.splice(older, 1);
      this.held.push({ stanza, presenceFrom: what.from });
    } else {
      this.held.push({ stanza });
    }
    if (this.held.length > this.maxHeld()) this.flush();
  }

  private flush(): void {
    const held = this.held;
    this.held = [];
    for (const { stanza } of held) this.stage.forward(stanza);
  }
}
