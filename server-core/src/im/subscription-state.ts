/**
 * The presence subscription state machine of RFC 6121 section 3 and Appendix A, as pure
 * functions of (state, stanza type) -> (new state, what the server must do). The roster
 * owner is "the user"; the other party is "the contact". Nothing here touches storage or sockets.
 */

export type SubscriptionType = 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed';

export const SUBSCRIPTION_TYPES: ReadonlySet<string> = new Set<SubscriptionType>(['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed']);

export function isSubscriptionType(type: string | undefined): type is SubscriptionType {
  return type !== undefined && SUBSCRIPTION_TYPES.has(type);
}

export interface SubscriptionState {
  subscription: 'none' | 'to' | 'from' | 'both';
  /** The user asked for the contact's presence and has no answer yet ("Pending Out"). */
  askOut: boolean;
  /** The contact asked for the user's presence and has no answer yet ("Pending In"). */
  pendingIn: boolean;
  /** The user approved a request the contact has not sent yet (RFC 6121 3.4). */
  preApproved: boolean;
}

export const NO_SUBSCRIPTION: SubscriptionState = { subscription: 'none', askOut: false, pendingIn: false, preApproved: false };

/** Which of the user's presences the contact must now be sent. */
export type PresenceEffect = 'available' | 'unavailable' | null;

export interface OutboundOutcome {
  state: SubscriptionState;
  changed: boolean;
  /** Route the stanza (stamped with the user's bare JID) to the contact. */
  forward: boolean;
  /** Send the user's current presence (or unavailable) from every available resource to the contact. */
  presenceToContact: PresenceEffect;
}

export interface InboundOutcome {
  state: SubscriptionState;
  changed: boolean;
  /** Deliver the stanza to the user's available resources (and keep a subscribe until answered). */
  deliver: boolean;
  /** Answer the contact on the user's behalf without asking the user. */
  autoReply: 'subscribed' | null;
  /** Send the user's current presence (or unavailable) from every available resource to the contact. */
  presenceToContact: PresenceEffect;
}

const hasTo = (s: SubscriptionState): boolean => s.subscription === 'to' || s.subscription === 'both';
const hasFrom = (s: SubscriptionState): boolean => s.subscription === 'from' || s.subscription === 'both';

function withDirections(to: boolean, from: boolean): SubscriptionState['subscription'] {
  if (to && from) return 'both';
  if (to) return 'to';
  if (from) return 'from';
  return 'none';
}

function sameState(a: SubscriptionState, b: SubscriptionState): boolean {
  return a.subscription === b.subscription && a.askOut === b.askOut && a.pendingIn === b.pendingIn && a.preApproved === b.preApproved;
}

/** The user sends a subscription stanza to the contact (Appendix A.2). */
export function outbound(state: SubscriptionState, type: SubscriptionType): OutboundOutcome {
  const next = { ...state };
  let forward = true;
  let presenceToContact: PresenceEffect = null;
  switch (type) {
    case 'subscribe':
      if (!hasTo(state)) next.askOut = true;
      break;
    case 'subscribed':
      if (hasFrom(state)) {
        forward = false;
      } else if (state.pendingIn) {
        next.subscription = withDirections(hasTo(state), true);
        next.pendingIn = false;
        next.preApproved = false;
        presenceToContact = 'available';
      } else {
        // Approval before any request is a pre-approval: remembered, never routed (3.4).
        next.preApproved = true;
        forward = false;
      }
      break;
    case 'unsubscribe':
      next.askOut = false;
      next.subscription = withDirections(false, hasFrom(state));
      break;
    case 'unsubscribed':
      next.pendingIn = false;
      next.preApproved = false;
      next.subscription = withDirections(hasTo(state), false);
      if (hasFrom(state)) presenceToContact = 'unavailable';
      break;
  }
  return { state: next, changed: !sameState(state, next), forward, presenceToContact };
}

/** The contact sends a subscription stanza to the user (Appendix A.3). */
export function inbound(state: SubscriptionState, type: SubscriptionType): InboundOutcome {
  const next = { ...state };
  const outcome = (deliver: boolean, autoReply: 'subscribed' | null = null, presenceToContact: PresenceEffect = null): InboundOutcome => ({
    state: next,
    changed: !sameState(state, next),
    deliver,
    autoReply,
    presenceToContact,
  });
  switch (type) {
    case 'subscribe':
      if (hasFrom(state)) return outcome(false, 'subscribed');
      if (state.preApproved) {
        next.subscription = withDirections(hasTo(state), true);
        next.preApproved = false;
        next.pendingIn = false;
        return outcome(false, 'subscribed', 'available');
      }
      next.pendingIn = true;
      return outcome(true);
    case 'subscribed':
      if (!state.askOut) return outcome(false);
      next.askOut = false;
      next.subscription = withDirections(true, hasFrom(state));
      return outcome(true);
    case 'unsubscribe':
      next.pendingIn = false;
      next.subscription = withDirections(hasTo(state), false);
      return outcome(!sameState(state, next), null, hasFrom(state) ? 'unavailable' : null);
    case 'unsubscribed':
      next.askOut = false;
      next.subscription = withDirections(false, hasFrom(state));
      return outcome(!sameState(state, next));
  }
}
