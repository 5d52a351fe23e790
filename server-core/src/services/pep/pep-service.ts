import type { Element } from 'ltx';
import { StanzaError, parseJid, JidError } from '../../xml';
import type { CoreContext } from '../../server/core-context';
import type { PepItem, PepService } from './pep-api';
import type { PepAudience } from './pep-audience';
import { pubsubError } from './pep-errors';
import { itemEvent, retractEvent } from './pep-events';
import type { PepItemCache } from './pep-item-cache';

/** Every node item is replicated to every cluster node's memory, so payloads stay small. */
export const MAX_PEP_PAYLOAD_BYTES = 32 * 1024;
/** Nodes one account may hold; enough for nick, mood, activity, tune, avatar, bookmarks, OMEMO. */
export const MAX_PEP_NODES_PER_ACCOUNT = 32;
/** Node names and item ids are identifiers, not content. */
const MAX_NAME_LENGTH = 256;
/** With one item per node, a fixed id says "the current state" (XEP-0163 section 4.3). */
export const DEFAULT_ITEM_ID = 'current';

/** Publishes and retracts the items of local users' PEP nodes and tells whoever may see them and asked to. */
export class LocalPepService implements PepService {
  constructor(
    private readonly ctx: CoreContext,
    private readonly items: PepItemCache,
    private readonly audience: PepAudience,
  ) {}

  async publish(owner: string, node: string, payload: Element, itemId: string = DEFAULT_ITEM_ID): Promise<string> {
    const ownerJid = await this.localOwner(owner);
    checkName('node', node);
    checkName('item id', itemId);
    const size = Buffer.byteLength(payload.toString(), 'utf8');
    if (size > MAX_PEP_PAYLOAD_BYTES) {
      throw pubsubError('not-acceptable', 'payload-too-big', `a PEP payload may be at most ${MAX_PEP_PAYLOAD_BYTES} bytes (got ${size})`);
    }
    if (!this.items.get(ownerJid, node) && this.items.nodeCount(ownerJid) >= MAX_PEP_NODES_PER_ACCOUNT) {
      throw new StanzaError('resource-constraint', `an account may have at most ${MAX_PEP_NODES_PER_ACCOUNT} PEP nodes`, 'cancel');
    }
    const item: PepItem = { node, id: itemId, payload };
    await this.items.set(ownerJid, item);
    await this.notify(ownerJid, node, (to) => itemEvent(ownerJid, to, item));
    return itemId;
  }

  async retract(owner: string, node: string, itemId: string, { notify = false }: { notify?: boolean } = {}): Promise<boolean> {
    const ownerJid = await this.localOwner(owner);
    const current = this.items.get(ownerJid, node);
    if (!current || current.id !== itemId) return false;
    await this.items.delete(ownerJid, node);
    if (notify) await this.notify(ownerJid, node, (to) => retractEvent(ownerJid, to, node, itemId));
    return true;
  }

  item(owner: string, node: string): PepItem | undefined {
    return this.items.get(owner, node);
  }

  private async notify(owner: string, node: string, event: (to: string) => Element): Promise<void> {
    for (const to of await this.audience.recipients(owner, node)) this.ctx.router.deliverToResource(to, event(to));
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

function checkName(what: string, value: string): void {
  if (value.length === 0 || value.length > MAX_NAME_LENGTH) {
    throw new StanzaError('bad-request', `a PEP ${what} has 1 to ${MAX_NAME_LENGTH} characters`);
  }
}
