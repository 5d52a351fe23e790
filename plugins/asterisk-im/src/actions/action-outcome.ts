import { StanzaError, type StanzaErrorCondition } from '@asterisk-im/server-core';

/**
 * What the senior answers a phone action with. A value, not a thrown error, so
 * the condition survives the trip through a cluster task unchanged.
 */
export type ActionOutcome = { ok: true } | { ok: false; condition: ActionErrorCondition; text: string };

export type ActionErrorCondition = Extract<StanzaErrorCondition, 'item-not-found' | 'not-authorized' | 'service-unavailable' | 'undefined-condition' | 'bad-request'>;

const CONDITIONS: readonly ActionErrorCondition[] = ['item-not-found', 'not-authorized', 'service-unavailable', 'undefined-condition', 'bad-request'];

export function failure(condition: ActionErrorCondition, text: string): ActionOutcome {
  return { ok: false, condition, text };
}

/** Reads a task answer; anything unexpected is `undefined-condition`. */
export function outcomeFromTask(value: unknown): ActionOutcome {
  if (value && typeof value === 'object' && 'ok' in value) {
    const outcome = value as { ok: unknown; condition?: unknown; text?: unknown };
    if (outcome.ok === true) return { ok: true };
    const condition = CONDITIONS.find((c) => c === outcome.condition) ?? 'undefined-condition';
    return failure(condition, typeof outcome.text === 'string' ? outcome.text : 'the phone action failed');
  }
  return failure('undefined-condition', 'the phone action got no answer');
}

export function throwIfFailed(outcome: ActionOutcome): void {
  if (!outcome.ok) throw new StanzaError(outcome.condition, outcome.text);
}
