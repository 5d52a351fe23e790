import { Element } from 'ltx';
import type { RosterItem } from '../storage/stores';
import type { SubscriptionState } from './subscription-state';

/**
 * RFC 6121 Appendix A.1: a server does not show or push items in the state
 * "None + Pending In"; they only carry a request the user has not answered.
 */
export function isListed(item: RosterItem): boolean {
  return !(item.subscription === 'none' && !item.askOut && item.pendingIn);
}

/** An item holding no subscription, request, approval, name or group: nothing to keep. */
export function isEmpty(item: RosterItem): boolean {
  return item.subscription === 'none' && !item.askOut && !item.pendingIn && !item.preApproved && item.name === null && item.groups.length === 0;
}

export function stateOf(item: RosterItem | undefined): SubscriptionState {
  if (!item) return { subscription: 'none', askOut: false, pendingIn: false, preApproved: false };
  return { subscription: item.subscription, askOut: item.askOut, pendingIn: item.pendingIn, preApproved: item.preApproved };
}

export function newRosterItem(jid: string): RosterItem {
  return { jid, name: null, subscription: 'none', askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] };
}

/** The `<item/>` of a roster result or push. */
export function rosterItemElement(item: RosterItem): Element {
  const element = new Element('item', { jid: item.jid, subscription: item.subscription });
  if (item.name !== null) element.attrs.name = item.name;
  if (item.askOut) element.attrs.ask = 'subscribe';
  if (item.preApproved) element.attrs.approved = 'true';
  for (const group of item.groups) element.c('group').t(group);
  return element;
}

/** The `<item/>` of a push announcing that the item is gone. */
export function removedItemElement(jid: string): Element {
  return new Element('item', { jid, subscription: 'remove' });
}
