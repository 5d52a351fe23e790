import type { Element } from 'ltx';

/** The one item a PEP node keeps (XEP-0163 nodes here hold at most one item). */
export interface PepItem {
  node: string;
  id: string;
  payload: Element;
}

/**
 * Personal eventing on behalf of local users, for the server's modules and plugins. Owners are
 * bare JIDs of local accounts. Errors are StanzaError values (e.g. `not-acceptable` for a
 * payload over the size limit).
 */
export interface PepService {
  /**
   * Replaces the item of `node` (created on first use, presence access model) with `payload`
   * and notifies the owner's and the subscribed contacts' available resources. Resolves with
   * the item id (default `current`).
   */
  publish(owner: string, node: string, payload: Element, itemId?: string): Promise<string>;
  /** Removes the item; false when the node holds no item with that id. */
  retract(owner: string, node: string, itemId: string, options?: { notify?: boolean }): Promise<boolean>;
  /** The current item of a node, or undefined. */
  item(owner: string, node: string): PepItem | undefined;
}
