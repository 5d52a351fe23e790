import { randomUUID } from 'node:crypto';
import type { Element } from 'ltx';
import { StanzaError, parseJid, parseXml, JidError } from '../../xml';
import type { CoreContext } from '../../core/core-context';
import type { PepItem, PepNodeConfig, PepPublishedListener, PepService } from '../../core/pep-api';
import { limitError } from '../../core/limit-error';
import { localOf, type PepAudience } from './pep-audience';
import { payloadTooBig, pubsubError } from './pep-errors';
import { itemEvent, nodeEvent, retractEvent } from './pep-events';
import { DEFAULT_NODE_CONFIG, itemsKept, unmetPrecondition } from './pep-node-config';
import type { PepStore, StoredItem } from './pep-store';

/** Node names and item ids are identifiers, not content. */
const MAX_NAME_LENGTH = 256;

/** A node that keeps one item names it "the current state" unless told otherwise (XEP-0163 section 4.3). */
export const DEFAULT_ITEM_ID = 'current';

export interface PepSettings {
  /** What `pubsub#max_items` = `max` means, and the most any node keeps. */
  maxItemsPerNode: number;
  /** The most items one account keeps across its nodes: what it may store is bounded in bytes too. */
  maxItemsPerUser: number;
}

/**
 * Publishes, retracts and reads the items of local users' PEP nodes, keeps their configuration,
 * and tells whoever may see a change and asked to. Every method takes the owner's bare JID;
 * `reader` and `subscriber` are the JIDs asking.
 */
export class LocalPepService implements PepService {
  private readonly published = new Set<PepPublishedListener>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly store: PepStore,
    private readonly audience: PepAudience,
    private readonly settings: PepSettings,
  ) {}

  async publish(owner: string, node: string, payload: Element, itemId?: string, options: Partial<PepNodeConfig> = {}): Promise<string> {
    const ownerJid = await this.localOwner(owner);
    checkName('node', node);
    if (itemId !== undefined) checkName('item id', itemId);
    const xml = payload.toString();
    const { limits } = this.ctx;
    const size = Buffer.byteLength(xml, 'utf8');
    if (size > limits.maxPepItemBytes) {
      throw limitError('not-acceptable', `this PEP payload has ${size} bytes, more than an item may hold`, limits, 'maxPepItemBytes', payloadTooBig());
    }
    const username = localOf(ownerJid);
    const existing = await this.store.config(username, node);
    if (existing) checkPreconditions(node, options, existing);
    else await this.checkNodeLimit(ownerJid);
    let config = existing ?? { ...DEFAULT_NODE_CONFIG, ...options };
    let keep = itemsKept(config, this.settings.maxItemsPerNode);
    const id = itemId ?? (keep === 1 ? DEFAULT_ITEM_ID : randomUUID());
    await this.checkItemLimit(ownerJid, node, id, keep);
    // Created only now, so a refused publish leaves no empty node. Another publish may create it
    // at the same moment, on any cluster node: then its configuration holds.
    if (!existing && !(await this.store.create(username, node, config))) {
      config = (await this.store.config(username, node)) ?? config;
      checkPreconditions(node, options, config);
      keep = itemsKept(config, this.settings.maxItemsPerNode);
    }
    await this.store.publish(localOf(ownerJid), node, { id, xml, publisher: ownerJid }, keep);
    const item: PepItem = { node, id, payload };
    await this.notify(ownerJid, node, config, (to) => itemEvent(ownerJid, to, item));
    for (const listener of this.published) {
      // A listener's failure is its own: the publish succeeded.
      void Promise.resolve()
        .then(() => listener(ownerJid, item))
        .catch((err: unknown) => this.ctx.logger.error({ err, owner: ownerJid, node }, 'a PEP publish listener failed'));
    }
    return id;
  }

  async nodesVisibleTo(owner: string, reader: string): Promise<string[]> {
    const out: string[] = [];
    for (const { node, config } of await this.store.nodesOf([localOf(owner)])) {
      if (await this.audience.mayRead(owner, reader, config)) out.push(node);
    }
    return out;
  }

  onPublished(listener: PepPublishedListener): () => void {
    this.published.add(listener);
    return () => this.published.delete(listener);
  }

  async retract(owner: string, node: string, itemId: string, { notify = false }: { notify?: boolean } = {}): Promise<boolean> {
    const ownerJid = await this.localOwner(owner);
    const config = await this.store.config(localOf(ownerJid), node);
    if (!config || !(await this.store.retract(localOf(ownerJid), node, itemId))) return false;
    if (notify || config.notifyRetract) await this.notify(ownerJid, node, config, (to) => retractEvent(ownerJid, to, node, itemId));
    return true;
  }

  async item(owner: string, node: string): Promise<PepItem | undefined> {
    return (await this.items(owner, node, { max: 1 }))?.[0];
  }

  async items(owner: string, node: string, query: { max?: number; ids?: string[] } = {}): Promise<PepItem[] | undefined> {
    const ownerJid = await this.localOwner(owner);
    if (!(await this.store.config(localOf(ownerJid), node))) return undefined;
    return this.toItems(ownerJid, await this.store.items(localOf(ownerJid), node, query));
  }

  /** The node's configuration, or item-not-found. */
  async config(owner: string, node: string): Promise<PepNodeConfig> {
    const config = await this.store.config(localOf(owner), node);
    if (!config) throw new StanzaError('item-not-found', `no node ${node}`);
    return config;
  }

  /** Items for `reader` (a bare JID), newest first, after the access model let it read them. */
  async read(owner: string, reader: string, node: string, query: { max?: number; ids?: string[] }): Promise<PepItem[]> {
    const config = await this.config(owner, node);
    const refusal = await this.audience.refusal(owner, reader, config);
    if (refusal) throw refusal;
    return this.toItems(owner, await this.store.items(localOf(owner), node, query));
  }

  /** XEP-0060 section 8.1: a node created on request; conflict when it exists. */
  async create(owner: string, node: string, options: Partial<PepNodeConfig>): Promise<void> {
    checkName('node', node);
    await this.checkNodeLimit(owner);
    if (!(await this.store.create(localOf(owner), node, { ...DEFAULT_NODE_CONFIG, ...options }))) throw new StanzaError('conflict', `node ${node} exists already`);
  }

  /** XEP-0060 section 8.2: new configuration; items beyond the new maximum go, oldest first. */
  async configure(owner: string, node: string, changes: Partial<PepNodeConfig>): Promise<void> {
    const config = { ...(await this.config(owner, node)), ...changes };
    if (!(await this.store.configure(localOf(owner), node, config, itemsKept(config, this.settings.maxItemsPerNode)))) {
      throw new StanzaError('item-not-found', `no node ${node}`);
    }
  }

  /** XEP-0060 section 8.4: the node, its items and subscriptions are gone; whoever followed it hears so. */
  async deleteNode(owner: string, node: string): Promise<void> {
    const config = await this.config(owner, node);
    const recipients = await this.recipientsOf(owner, node, config);
    if (!(await this.store.deleteNode(localOf(owner), node))) throw new StanzaError('item-not-found', `no node ${node}`);
    for (const to of recipients) this.ctx.router.deliverToResource(to, nodeEvent(owner, to, 'delete', node));
  }

  /** XEP-0060 section 8.5: every item is gone. */
  async purge(owner: string, node: string): Promise<void> {
    const config = await this.config(owner, node);
    await this.store.purge(localOf(owner), node);
    await this.notify(owner, node, config, (to) => nodeEvent(owner, to, 'purge', node));
  }

  /** XEP-0060 section 6.1; the newest item follows unless the node sends it never. */
  async subscribe(owner: string, node: string, subscriber: string): Promise<void> {
    const config = await this.config(owner, node);
    const refusal = await this.audience.refusal(owner, bareOf(subscriber), config);
    if (refusal) throw refusal;
    await this.store.subscribe(localOf(owner), node, subscriber);
    if (config.sendLastPublishedItem === 'never') return;
    const [newest] = await this.toItems(owner, await this.store.items(localOf(owner), node, { max: 1 }));
    if (!newest) return;
    // Sent after the subscribe result leaves: the router answers the IQ first.
    setImmediate(() => {
      for (const route of this.ctx.routes.resourcesOf(bareOf(subscriber))) {
        if (route.available && (subscriber === bareOf(subscriber) || route.fullJid === subscriber)) this.ctx.router.deliverToResource(route.fullJid, itemEvent(owner, route.fullJid, newest));
      }
    });
  }

  /** XEP-0060 section 6.2. */
  async unsubscribe(owner: string, node: string, subscriber: string): Promise<void> {
    await this.config(owner, node);
    if (!(await this.store.unsubscribe(localOf(owner), node, subscriber))) {
      throw pubsubError('unexpected-request', 'not-subscribed', `${subscriber} is not subscribed to ${node}`);
    }
  }

  /** XEP-0060 section 5.6: the reader's subscriptions to the owner's nodes. */
  subscriptionsOf(owner: string, reader: string): Promise<Array<{ node: string; jid: string }>> {
    return this.store.subscriptionsOf(localOf(owner), reader);
  }

  private async checkNodeLimit(owner: string): Promise<void> {
    const { limits } = this.ctx;
    if ((await this.store.nodeCount(localOf(owner))) >= limits.pepNodesPerUser) {
      throw limitError('resource-constraint', 'this account already has as many PEP nodes as it may', limits, 'pepNodesPerUser');
    }
  }

  /** A new item beyond the account's total is refused, unless it replaces one or pushes the node's oldest out. */
  private async checkItemLimit(owner: string, node: string, id: string, keep: number): Promise<void> {
    const username = localOf(owner);
    const { maxItemsPerUser } = this.settings;
    if ((await this.store.itemCount(username)) < maxItemsPerUser || (await this.store.hasItem(username, node, id))) return;
    if ((await this.store.items(username, node, { max: keep })).length >= keep) return;
    throw new StanzaError('resource-constraint', `this account already keeps ${maxItemsPerUser} PEP items (pep module maxItemsPerUser); retract or purge some first`, 'wait');
  }

  private async recipientsOf(owner: string, node: string, config: PepNodeConfig): Promise<string[]> {
    return this.audience.recipients(owner, node, config, await this.store.subscribers(localOf(owner), node));
  }

  private async notify(owner: string, node: string, config: PepNodeConfig, event: (to: string) => Element): Promise<void> {
    for (const to of await this.recipientsOf(owner, node, config)) this.ctx.router.deliverToResource(to, event(to));
  }

  private toItems(owner: string, stored: StoredItem[]): PepItem[] {
    const out: PepItem[] = [];
    for (const item of stored) {
      try {
        out.push({ node: item.node, id: item.id, payload: parseXml(item.xml) });
      } catch (err) {
        this.ctx.logger.error({ err, owner, node: item.node, item: item.id }, 'unreadable PEP item');
      }
    }
    return out;
  }

  /** The owner's bare JID, when it names an account of this server. */
  private async localOwner(owner: string): Promise<string> {
    let jid;
    try {
      jid = parseJid(owner);
    } catch (err) {
      if (err instanceof JidError) throw new StanzaError('jid-malformed', err.message);
      throw err;
    }
    if (jid.local === null || jid.resource !== null || jid.domain !== this.ctx.domain || !(await this.ctx.stores.accounts.exists(jid.local))) {
      throw new StanzaError('item-not-found', `${owner} is not an account of this server`);
    }
    return jid.bare;
  }
}

/** XEP-0060 section 7.1.5: publish-options are preconditions on an existing node. */
function checkPreconditions(node: string, options: Partial<PepNodeConfig>, config: PepNodeConfig): void {
  const unmet = unmetPrecondition(options, config);
  if (unmet) {
    throw pubsubError('conflict', 'precondition-not-met', `publish-options ask ${unmet.field} = ${unmet.wanted}; node ${node} has ${unmet.actual} (reconfigure the node first)`);
  }
}

const bareOf = (jid: string): string => (jid.includes('/') ? jid.slice(0, jid.indexOf('/')) : jid);

function checkName(what: string, value: string): void {
  if (value.length === 0 || value.length > MAX_NAME_LENGTH) {
    throw new StanzaError('bad-request', `a PEP ${what} has 1 to ${MAX_NAME_LENGTH} characters`);
  }
}
