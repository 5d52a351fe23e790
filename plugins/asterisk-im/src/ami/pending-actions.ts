import type { AmiEvent, AmiResponse } from './ami-message';
import { AmiLinkError } from './ami-link-error';

/** What a list action resolves with: the first answer, every item, and the closing `…Complete` event. */
export interface AmiList {
  response: AmiResponse;
  items: AmiEvent[];
  complete: AmiEvent;
}

/** What settles an action: one response, or (list actions) the items collected so far and the first answer once it came. */
type Settles =
  | { readonly kind: 'response'; readonly resolve: (response: AmiResponse) => void }
  | { readonly kind: 'list'; readonly resolve: (list: AmiList) => void; readonly items: AmiEvent[]; response?: AmiResponse };

interface Pending {
  readonly description: string;
  readonly settles: Settles;
  readonly reject: (error: AmiLinkError) => void;
  timer: NodeJS.Timeout;
}

/**
 * Actions waiting for their answer, by ActionID. Owns one timer per action;
 * a list action's timer restarts with every item, so a long list is fine
 * while a silent server is not.
 */
export class PendingActions {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.pending.size;
  }

  waitForResponse(actionId: string, description: string): Promise<AmiResponse> {
    return new Promise((resolve, reject) => this.add(actionId, description, { kind: 'response', resolve }, reject));
  }

  waitForList(actionId: string, description: string): Promise<AmiList> {
    return new Promise((resolve, reject) => this.add(actionId, description, { kind: 'list', resolve, items: [] }, reject));
  }

  /** Settles the action a response answers; false when nobody waits for it. */
  takeResponse(response: AmiResponse): boolean {
    const entry = response.actionId === undefined ? undefined : this.pending.get(response.actionId);
    if (!entry || response.actionId === undefined) return false;
    if (response.response.toLowerCase() === 'error') {
      this.settle(response.actionId).reject(new AmiLinkError('action', response.message ?? 'Asterisk answered Error'));
    } else if (entry.settles.kind === 'list') {
      entry.settles.response = response;
      this.restartTimer(response.actionId, entry);
    } else {
      this.settle(response.actionId);
      entry.settles.resolve(response);
    }
    return true;
  }

  /** Collects an item of a pending list action; false when the event is not one (it is a live event). */
  takeListEvent(event: AmiEvent): boolean {
    const entry = event.actionId === undefined ? undefined : this.pending.get(event.actionId);
    if (entry?.settles.kind !== 'list' || event.actionId === undefined) return false;
    const ends = (event.fields.eventlist ?? '').toLowerCase() === 'complete' || /Complete$/.test(event.name);
    if (!ends) {
      entry.settles.items.push(event);
      this.restartTimer(event.actionId, entry);
      return true;
    }
    const { items, response } = entry.settles;
    const first = response ?? { fields: {}, lists: {}, response: 'Success', actionId: event.actionId };
    this.settle(event.actionId);
    entry.settles.resolve({ response: first, items, complete: event });
    return true;
  }

  /** Gives up on one action (its write failed); the error says why. */
  fail(actionId: string, error: AmiLinkError): void {
    if (this.pending.has(actionId)) this.settle(actionId).reject(error);
  }

  /** Fails every waiting action, e.g. when the connection is gone. */
  rejectAll(error: AmiLinkError): void {
    for (const actionId of [...this.pending.keys()]) this.settle(actionId).reject(error);
  }

  private add(actionId: string, description: string, settles: Settles, reject: (error: AmiLinkError) => void): void {
    this.pending.set(actionId, { description, settles, reject, timer: this.startTimer(actionId, description) });
  }

  private startTimer(actionId: string, description: string): NodeJS.Timeout {
    return setTimeout(() => {
      if (!this.pending.has(actionId)) return;
      this.settle(actionId).reject(new AmiLinkError('timeout', `${description} got no answer within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }

  private restartTimer(actionId: string, entry: Pending): void {
    clearTimeout(entry.timer);
    entry.timer = this.startTimer(actionId, entry.description);
  }

  private settle(actionId: string): Pending {
    const entry = this.pending.get(actionId) as Pending;
    clearTimeout(entry.timer);
    this.pending.delete(actionId);
    return entry;
  }
}
