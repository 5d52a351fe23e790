import type { Element } from 'ltx';
import { StanzaError, type StanzaErrorCondition } from '../xml';
import type { CoreLimits } from './core-context';

/**
 * The refusal of a request that would take an account past one of its limits. The text names
 * the config key and its value, so the user knows what was hit and an operator what to raise.
 * Type cancel: waiting does not lift a quota.
 */
export function limitError(condition: StanzaErrorCondition, what: string, limits: CoreLimits, key: keyof CoreLimits, appCondition?: Element): StanzaError {
  return new StanzaError(condition, `${what} (limits.${key} is ${limits[key]})`, 'cancel', appCondition);
}
