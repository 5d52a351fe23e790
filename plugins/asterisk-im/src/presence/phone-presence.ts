import { Element, clone } from 'ltx';
import { isBusyState, type BusyState, type UserPhoneState } from '../calls';
import type { PresenceShow, Settings } from '../store';

export const PHONE_NS = 'http://jivesoftware.com/xmlns/phone';

/** Children of the user's own presence that stay on the phone presence (priority, entity caps). */
const KEPT_CHILDREN = new Set(['priority', 'c']);

/** What the phone makes contacts see: a busy state, or do-not-disturb set on the phone. */
export type ShownState = BusyState | 'dnd';

/** The busy state a user's entry shows; an entry written before states existed is on a call. */
export function busyStateOf(entry: UserPhoneState | undefined): BusyState {
  const state = entry?.state;
  return state !== undefined && isBusyState(state, true) ? state : 'on-call';
}

/** DND set on the phone shows as chat dnd unless a setting says otherwise. */
const DND_DISPLAY = { show: 'dnd', status: 'Do not disturb' } as const;

/** What contacts see for `state`: its own settings, else those of a call (of DND: dnd, "Do not disturb"). */
export function phoneDisplay(settings: Settings, state: ShownState): { show: PresenceShow; status: string } {
  const own = state === 'on-call' ? undefined : settings.stateTexts?.[state];
  const fallback = state === 'dnd' ? DND_DISPLAY : { show: settings.presenceShow, status: settings.statusText };
  return { show: own?.show ?? fallback.show, status: own?.status ?? fallback.status };
}

/**
 * The presence a session broadcasts while its user is on the phone, keeping what `base` says
 * about the client. Spark reads `status='ON_PHONE'`; `state` says which busy state it is.
 */
export function phonePresence(settings: Settings, base: Element | null, state: ShownState = 'on-call'): Element {
  const { show, status } = phoneDisplay(settings, state);
  const presence = new Element('presence');
  presence.c('show').t(show);
  if (status !== '') presence.c('status').t(status);
  for (const child of base?.getChildElements() ?? []) {
    if (KEPT_CHILDREN.has(child.name)) presence.cnode(clone(child));
  }
  // Spark knows ON_PHONE and AVAILABLE: DND on the phone is not a call.
  presence.c('phone-status', { xmlns: PHONE_NS, status: state === 'dnd' ? 'AVAILABLE' : 'ON_PHONE', state });
  return presence;
}

export function isPhonePresence(presence: Element | null): boolean {
  return presence !== null && presence.getChild('phone-status', PHONE_NS) !== undefined;
}

/** True when `presence` already is the phone presence the current settings describe for `state`. */
export function isCurrentPhonePresence(presence: Element | null, settings: Settings, state: ShownState = 'on-call'): boolean {
  if (!presence || !isPhonePresence(presence)) return false;
  const { show, status } = phoneDisplay(settings, state);
  const shownState = presence.getChild('phone-status', PHONE_NS)!.attrs.state ?? 'on-call';
  return shownState === state && presence.getChildText('show') === show && (presence.getChildText('status') ?? '') === status;
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
