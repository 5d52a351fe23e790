/** Namespaces and disco features of Personal Eventing (XEP-0163 on top of XEP-0060). */
export const PUBSUB = 'http://jabber.org/protocol/pubsub';
export const PUBSUB_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';
export const PUBLISH_OPTIONS_FORM = 'http://jabber.org/protocol/pubsub#publish-options';
export const NODE_CONFIG_FORM = 'http://jabber.org/protocol/pubsub#node_config';

/** The identity an account with PEP shows in its disco#info (XEP-0163 section 4). */
export const PEP_IDENTITY = { category: 'pubsub', type: 'pep' } as const;

/** What the account's PEP service does, as XEP-0060 pubsub#* features. */
export const PEP_FEATURES: readonly string[] = [
  PUBSUB,
  ...[
    'access-open',
    'access-presence',
    'access-roster',
    'access-whitelist',
    'auto-create',
    'auto-subscribe',
    'config-node',
    'config-node-max',
    'create-and-configure',
    'create-nodes',
    'delete-items',
    'delete-nodes',
    'filtered-notifications',
    'item-ids',
    'last-published',
    'multi-items',
    'persistent-items',
    'presence-notifications',
    'publish',
    'publish-options',
    'purge-nodes',
    'retract-items',
    'retrieve-items',
    'retrieve-subscriptions',
    'subscribe',
  ].map((feature) => `${PUBSUB}#${feature}`),
];
