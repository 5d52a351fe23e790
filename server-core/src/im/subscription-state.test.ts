import { inbound, outbound, NO_SUBSCRIPTION, type SubscriptionState, type SubscriptionType } from './subscription-state';

/** The state names of RFC 6121 Appendix A, e.g. "None + Pending Out+In". */
const STATES: Record<string, SubscriptionState> = {
  None: { ...NO_SUBSCRIPTION },
  'None + Pending Out': { ...NO_SUBSCRIPTION, askOut: true },
  'None + Pending In': { ...NO_SUBSCRIPTION, pendingIn: true },
  'None + Pending Out+In': { ...NO_SUBSCRIPTION, askOut: true, pendingIn: true },
  To: { ...NO_SUBSCRIPTION, subscription: 'to' },
  'To + Pending In': { ...NO_SUBSCRIPTION, subscription: 'to', pendingIn: true },
  From: { ...NO_SUBSCRIPTION, subscription: 'from' },
  'From + Pending Out': { ...NO_SUBSCRIPTION, subscription: 'from', askOut: true },
  Both: { ...NO_SUBSCRIPTION, subscription: 'both' },
};

function nameOf(state: SubscriptionState): string {
  const entry = Object.entries(STATES).find(
    ([, s]) => s.subscription === state.subscription && s.askOut === state.askOut && s.pendingIn === state.pendingIn,
  );
  if (!entry) throw new Error(`state outside Appendix A: ${JSON.stringify(state)}`);
  return entry[0];
}

type Table = Array<[from: string, to: string]>;

function checkTable(direction: 'outbound' | 'inbound', type: SubscriptionType, table: Table): void {
  describe(`${direction} ${type}`, () => {
    test.each(table)('%s -> %s', (before, after) => {
      const apply = direction === 'outbound' ? outbound : inbound;
      const result = apply(STATES[before], type);
      expect(nameOf(result.state)).toBe(after);
    });
  });
}

describe('subscription state machine (RFC 6121 Appendix A)', () => {
  checkTable('outbound', 'subscribe', [
    ['None', 'None + Pending Out'],
    ['None + Pending Out', 'None + Pending Out'],
    ['None + Pending In', 'None + Pending Out+In'],
    ['None + Pending Out+In', 'None + Pending Out+In'],
    ['To', 'To'],
    ['To + Pending In', 'To + Pending In'],
    ['From', 'From + Pending Out'],
    ['From + Pending Out', 'From + Pending Out'],
    ['Both', 'Both'],
  ]);
  checkTable('outbound', 'subscribed', [
    ['None + Pending In', 'From'],
    ['None + Pending Out+In', 'From + Pending Out'],
    ['To + Pending In', 'Both'],
    ['From', 'From'],
    ['From + Pending Out', 'From + Pending Out'],
    ['Both', 'Both'],
  ]);
  checkTable('outbound', 'unsubscribe', [
    ['None', 'None'],
    ['None + Pending Out', 'None'],
    ['None + Pending In', 'None + Pending In'],
    ['None + Pending Out+In', 'None + Pending In'],
    ['To', 'None'],
    ['To + Pending In', 'None + Pending In'],
    ['From', 'From'],
    ['From + Pending Out', 'From'],
    ['Both', 'From'],
  ]);
  checkTable('outbound', 'unsubscribed', [
    ['None', 'None'],
    ['None + Pending Out', 'None + Pending Out'],
    ['None + Pending In', 'None'],
    ['None + Pending Out+In', 'None + Pending Out'],
    ['To', 'To'],
    ['To + Pending In', 'To'],
    ['From', 'None'],
    ['From + Pending Out', 'None + Pending Out'],
    ['Both', 'To'],
  ]);
  checkTable('inbound', 'subscribe', [
    ['None', 'None + Pending In'],
    ['None + Pending Out', 'None + Pending Out+In'],
    ['None + Pending In', 'None + Pending In'],
    ['None + Pending Out+In', 'None + Pending Out+In'],
    ['To', 'To + Pending In'],
    ['To + Pending In', 'To + Pending In'],
    ['From', 'From'],
    ['From + Pending Out', 'From + Pending Out'],
    ['Both', 'Both'],
  ]);
  checkTable('inbound', 'subscribed', [
    ['None', 'None'],
    ['None + Pending Out', 'To'],
    ['None + Pending In', 'None + Pending In'],
    ['None + Pending Out+In', 'To + Pending In'],
    ['To', 'To'],
    ['To + Pending In', 'To + Pending In'],
    ['From', 'From'],
    ['From + Pending Out', 'Both'],
    ['Both', 'Both'],
  ]);
  checkTable('inbound', 'unsubscribe', [
    ['None', 'None'],
    ['None + Pending Out', 'None + Pending Out'],
    ['None + Pending In', 'None'],
    ['None + Pending Out+In', 'None + Pending Out'],
    ['To', 'To'],
    ['To + Pending In', 'To'],
    ['From', 'None'],
    ['From + Pending Out', 'None + Pending Out'],
    ['Both', 'To'],
  ]);
  checkTable('inbound', 'unsubscribed', [
    ['None', 'None'],
    ['None + Pending Out', 'None'],
    ['None + Pending In', 'None + Pending In'],
    ['None + Pending Out+In', 'None + Pending In'],
    ['To', 'None'],
    ['To + Pending In', 'None + Pending In'],
    ['From', 'From'],
    ['From + Pending Out', 'From'],
    ['Both', 'From'],
  ]);
});

describe('what the server does beside changing state', () => {
  test('a subscribe is always routed to the contact', () => {
    for (const state of Object.values(STATES)) expect(outbound(state, 'subscribe').forward).toBe(true);
  });

  test('approving before any request is a pre-approval that is remembered and not routed', () => {
    const result = outbound(STATES.None, 'subscribed');
    expect(result.state).toEqual({ ...NO_SUBSCRIPTION, preApproved: true });
    expect(result.forward).toBe(false);
    expect(result.changed).toBe(true);
  });

  test('approving a pending request routes the approval and sends the user presence to the contact', () => {
    const result = outbound(STATES['None + Pending In'], 'subscribed');
    expect(result.forward).toBe(true);
    expect(result.presenceToContact).toBe('available');
  });

  test('cancelling a subscriber sends it unavailable presence and clears a pre-approval', () => {
    const result = outbound(STATES.Both, 'unsubscribed');
    expect(result.presenceToContact).toBe('unavailable');
    expect(outbound({ ...NO_SUBSCRIPTION, preApproved: true }, 'unsubscribed').state.preApproved).toBe(false);
  });

  test('a request from a contact is delivered to the user when not yet approved', () => {
    const result = inbound(STATES.None, 'subscribe');
    expect(result).toMatchObject({ deliver: true, autoReply: null, changed: true });
  });

  test('a request from an existing subscriber is answered by the server', () => {
    for (const name of ['From', 'From + Pending Out', 'Both']) {
      expect(inbound(STATES[name], 'subscribe')).toMatchObject({ deliver: false, autoReply: 'subscribed', changed: false });
    }
  });

  test('a pre-approved request is accepted at once: subscribed reply and the user presence', () => {
    const result = inbound({ ...STATES['None + Pending Out'], preApproved: true }, 'subscribe');
    expect(result.state).toEqual({ subscription: 'from', askOut: true, pendingIn: false, preApproved: false });
    expect(result).toMatchObject({ deliver: false, autoReply: 'subscribed', presenceToContact: 'available' });
  });

  test('subscribed is accepted only when the user asked', () => {
    expect(inbound(STATES.None, 'subscribed').deliver).toBe(false);
    expect(inbound(STATES['None + Pending Out'], 'subscribed').deliver).toBe(true);
  });

  test('unsubscribe from a subscriber is delivered and answered with the user unavailable presence', () => {
    const result = inbound(STATES.Both, 'unsubscribe');
    expect(result).toMatchObject({ deliver: true, presenceToContact: 'unavailable' });
    expect(inbound(STATES.To, 'unsubscribe').deliver).toBe(false);
  });

  test('unsubscribed without anything to cancel is not delivered', () => {
    expect(inbound(STATES.From, 'unsubscribed').deliver).toBe(false);
    expect(inbound(STATES.To, 'unsubscribed').deliver).toBe(true);
  });
});
