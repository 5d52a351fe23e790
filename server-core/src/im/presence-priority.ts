import type { Element } from 'ltx';
import { StanzaError } from '../xml';

/** The `<priority/>` of an available presence (RFC 6121 4.7.2.3): absent means 0. */
export function parsePriority(presence: Element): number | StanzaError {
  const element = presence.getChild('priority');
  if (!element) return 0;
  const text = element.getText().trim();
  const value = /^[+-]?\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < -128 || value > 127) {
    return new StanzaError('bad-request', 'priority must be an integer from -128 to 127');
  }
  return value;
}
