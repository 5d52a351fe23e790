import type { Element } from 'ltx';
import { StanzaError, parseJid, JidError } from '../../xml';
import type { CoreContext } from '../../core/core-context';
import type { PepItem, PepService } from '../../core/pep-api';
import type { PepAudience } from './pep-audience';
import { payloadTooBig } from './pep-errors';
import { limitError } from '../../core/limit-error';
import { itemEvent, retractEvent } from './pep-events';
import type { PepItemCache } from './pep-item-cache';

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
    // Every item is replicated to every cluster node's memory: payloads stay small, nodes few.
    const { limits } = this.ctx;
    const size = Buffer.byteLength(payload.toString(), 'utf8');
    if (size > limits.maxPepItemBytes) {
      throw limitError('not-acceptable', `this PEP payload has ${size} bytes, more than an item may hold`, limits, 'maxPepItemBytes', payloadTooBig());
    }
    if (!this.items.get(ownerJid, node) && this.items.nodeCount(ownerJid) >= limits.pepNodesPerUser) {
      throw limitError('resource-constraint', `this account already has as many PEP nodes as it may`, limits, 'pepNodesPerUser');
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
