/** What the per-address limits refuse, if anything, for one more connection. */
export type AddressRefusal = 'too-many-connections' | 'too-many-unauthenticated';

export interface AddressLimitsOptions {
  /** Connections open at once from one address; 0 turns the limit off. */
  connectionsPerAddress: number;
  /** Of those, connections not yet authenticated; 0 turns the limit off. */
  unauthenticatedPerAddress: number;
}

interface Counts {
  open: number;
  unauthenticated: number;
}

/**
 * Counts the connections of each source address so that one address cannot take all the
 * server's sockets, nor hold many half-open streams (slowloris). Counted per exact address:
 * clients behind one NAT or one reverse proxy share a count.
 */
export class AddressLimits {
  private readonly counts = new Map<string, Counts>();

  constructor(private readonly options: AddressLimitsOptions) {}

  /** Takes a slot for a new, unauthenticated connection; says why not when it cannot. */
  admit(address: string): AddressRefusal | undefined {
    const counts = this.counts.get(address) ?? { open: 0, unauthenticated: 0 };
    const { connectionsPerAddress, unauthenticatedPerAddress } = this.options;
    if (connectionsPerAddress > 0 && counts.open >= connectionsPerAddress) return 'too-many-connections';
    if (unauthenticatedPerAddress > 0 && counts.unauthenticated >= unauthenticatedPerAddress) return 'too-many-unauthenticated';
    counts.open += 1;
    counts.unauthenticated += 1;
    this.counts.set(address, counts);
    return undefined;
  }

  /** An admitted connection authenticated: it no longer counts as unauthenticated. */
  authenticated(address: string): void {
    const counts = this.counts.get(address);
    if (counts && counts.unauthenticated > 0) counts.unauthenticated -= 1;
  }

  /** An admitted connection closed; `wasAuthenticated` says which counts it held. */
  released(address: string, wasAuthenticated: boolean): void {
    const counts = this.counts.get(address);
    if (!counts) return;
    counts.open -= 1;
    if (!wasAuthenticated) counts.unauthenticated -= 1;
    if (counts.open <= 0) this.counts.delete(address);
  }

  get addresses(): number {
    return this.counts.size;
  }
}
