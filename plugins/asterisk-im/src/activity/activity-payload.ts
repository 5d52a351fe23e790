import { Element } from 'ltx';

/** XEP-0108 User Activity: its namespace is also the PEP node it is published on. */
export const ACTIVITY_NS = 'http://jabber.org/protocol/activity';

/** `talking/on_the_phone` with the same text contacts see in the phone presence ("On hold", ...). */
export function onThePhone(text = 'On the phone'): Element {
  const activity = new Element('activity', { xmlns: ACTIVITY_NS });
  activity.c('talking').c('on_the_phone');
  if (text !== '') activity.c('text').t(text);
  return activity;
}

/** XEP-0108 section 3: an empty activity says the user stopped what was published before. */
export function noActivity(): Element {
  return new Element('activity', { xmlns: ACTIVITY_NS });
}

/** The empty activity `noActivity` publishes. */
export function isNoActivity(payload: Element): boolean {
  return payload.is('activity', ACTIVITY_NS) && payload.getChildElements().length === 0;
}

export function isOnThePhone(payload: Element): boolean {
  return payload.is('activity', ACTIVITY_NS) && payload.getChild('talking')?.getChild('on_the_phone') !== undefined;
}
