import { Element, clone } from 'ltx';
import type { Settings } from '../store';

export const PHONE_NS = 'http://jivesoftware.com/xmlns/phone';

/** Children of the user's own presence that stay on the phone presence (priority, entity caps). */
const KEPT_CHILDREN = new Set(['priority', 'c']);

/** The presence a session broadcasts while its user is on the phone, keeping what `base` says about the client. */
export function phonePresence(settings: Settings, base: Element | null): Element {
  const presence = new Element('presence');
  presence.c('show').t(settings.presenceShow);
  if (settings.statusText !== '') presence.c('status').t(settings.statusText);
  for (const child of base?.getChildElements() ?? []) {
    if (KEPT_CHILDREN.has(child.name)) presence.cnode(clone(child));
  }
  presence.c('phone-status', { xmlns: PHONE_NS, status: 'ON_PHONE' });
  return presence;
}

export function isPhonePresence(presence: Element | null): boolean {
  return presence !== null && presence.getChild('phone-status', PHONE_NS) !== undefined;
}

/** True when `presence` already is the phone presence the current settings describe. */
export function isCurrentPhonePresence(presence: Element | null, settings: Settings): boolean {
  if (!presence || !isPhonePresence(presence)) return false;
  return presence.getChildText('show') === settings.presenceShow && (presence.getChildText('status') ?? '') === settings.statusText;
}

/**
 * True when `withoutPhone(phonePresence(settings, presence))` gives `presence` back: it says
 * nothing but what the phone presence keeps (priority, entity caps). Such a presence need not be
 * stored while the call lasts.
 */
export function isRestorableFromPhone(presence: Element): boolean {
  return presence.getChildElements().every((child) => KEPT_CHILDREN.has(child.name));
}

/** The user's own presence with the phone parts removed (what `isRestorableFromPhone` presences come back as). */
export function withoutPhone(presence: Element): Element {
  const plain = new Element('presence');
  for (const child of presence.getChildElements()) {
    if (KEPT_CHILDREN.has(child.name)) plain.cnode(clone(child));
  }
  return plain;
}

/** True for an available presence that shows the user as available (no show, or chat). */
export function showsAvailable(presence: Element): boolean {
  if (presence.attrs.type !== undefined) return false;
  const show = presence.getChildText('show');
  return show === null || show === 'chat';
}
