/** Namespaces and disco features of Personal Eventing (XEP-0163 on top of XEP-0060). */
export const PUBSUB = 'http://jabber.org/protocol/pubsub';
export const PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';
export const PUBLISH_OPTIONS_FORM = 'http://jabber.org/protocol/pubsub#publish-options';

/** The identity an account with PEP shows in its disco#info (XEP-0163 section 4). */
export const PEP_IDENTITY = { category: 'pubsub', type: 'pep' } as const;

/** What the account's PEP service does, as XEP-0060 pubsub#* features. */
export const PEP_FEATURES: readonly string[] = [
  PUBSUB,
  `${PUBSUB}#access-presence`,
  `${PUBSUB}#auto-create`,
  `${PUBSUB}#filtered-notifications`,
  `${PUBSUB}#item-ids`,
  `${PUBSUB}#last-published`,
  `${PUBSUB}#presence-notifications`,
  `${PUBSUB}#publish`,
  `${PUBSUB}#publish-options`,
  `${PUBSUB}#retract-items`,
  `${PUBSUB}#retrieve-items`,
];
