import type { Element } from 'ltx';

/** One item of a PEP node. */
export interface PepItem {
  node: string;
  id: string;
  payload: Element;
}

/** Who may read a node's items and receive its events (XEP-0060 section 4.5). */
export type PepAccessModel = 'open' | 'presence' | 'roster' | 'whitelist';

/** When a node's newest item is sent without being asked for (XEP-0060 pubsub#send_last_published_item). */
export type PepSendLast = 'never' | 'on_sub' | 'on_sub_and_presence';

/** The configuration of a node (the XEP-0060 node_config fields this service keeps). */
export interface PepNodeConfig {
  accessModel: PepAccessModel;
  /** How many items the node keeps; `'max'` is the server's maximum. */
  maxItems: number | 'max';
  /** false: only the newest item is kept, for last-item delivery. */
  persistItems: boolean;
  sendLastPublishedItem: PepSendLast;
  notifyRetract: boolean;
  title: string;
  /** For the roster access model: the owner's roster groups whose contacts may read. */
  rosterGroupsAllowed: string[];
}

/**
 * Personal eventing on behalf of local users, for the server's modules and plugins. Owners are
 * bare JIDs of local accounts. Errors are StanzaError values (e.g. `not-acceptable` for a
 * payload over the size limit, `conflict` with precondition-not-met when `options` disagree
 * with the node's configuration).
 */
export interface PepService {
  /**
   * Adds or replaces the item `itemId` (default `current`) of `node`, creating the node with
   * `options` over the defaults (presence access model, one item) when it does not exist yet,
   * and notifies whoever may read it and asked for its events. Resolves with the item id.
   */
  publish(owner: string, node: string, payload: Element, itemId?: string, options?: Partial<PepNodeConfig>): Promise<string>;
  /** Removes the item; false when the node holds no item with that id. */
  retract(owner: string, node: string, itemId: string, options?: { notify?: boolean }): Promise<boolean>;
  /** The newest item of a node, or undefined. */
  item(owner: string, node: string): Promise<PepItem | undefined>;
  /** The node's items, newest first, or undefined when there is no such node. */
  items(owner: string, node: string): Promise<PepItem[] | undefined>;
  /**
   * Calls `listener` after each publish on this cluster node (by a client or through `publish`),
   * once the item is stored and its events sent. A listener that throws is logged and skipped.
   * The returned undo removes it.
   */
  onPublished(listener: PepPublishedListener): () => void;
  /** The names of the owner's nodes that `reader` (a bare JID) may read, for disco#items (XEP-0060 section 5.2). */
  nodesVisibleTo(owner: string, reader: string): Promise<string[]>;
}

export type PepPublishedListener = (owner: string, item: PepItem) => void | Promise<void>;
