import type { ClientSession } from './client-session';

/** The client sessions bound on this node, by full and by bare JID. */
export class LocalSessions {
  private readonly byFull = new Map<string, ClientSession>();
  private readonly byBare = new Map<string, Set<ClientSession>>();

  add(session: ClientSession): void {
    this.byFull.set(session.fullJid, session);
    let set = this.byBare.get(session.bareJid);
    if (!set) this.byBare.set(session.bareJid, (set = new Set()));
    set.add(session);
  }

  remove(session: ClientSession): boolean {
    if (this.byFull.get(session.fullJid) !== session) return false;
    this.byFull.delete(session.fullJid);
    const set = this.byBare.get(session.bareJid);
    set?.delete(session);
    if (set && set.size === 0) this.byBare.delete(session.bareJid);
    return true;
  }

  get(fullJid: string): ClientSession | undefined {
    return this.byFull.get(fullJid);
  }

  ofUser(bareJid: string): ClientSession[] {
    const set = this.byBare.get(bareJid);
    return set ? [...set] : [];
  }

  all(): IterableIterator<ClientSession> {
    return this.byFull.values();
  }

  get size(): number {
    return this.byFull.size;
  }
}
