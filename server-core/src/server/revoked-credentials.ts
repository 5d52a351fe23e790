import type { ClientSession } from '../session';
import type { CoreContext } from '../core/core-context';
import { revocation } from '../session';

/**
 * Ends sessions whose account was deleted or whose password changed behind the server's back
 * (the CLI writes to the database directly). Each session remembers the credential stamp its
 * account had when it was bound; every `intervalMs` one query per 500 online accounts compares.
 * Changes made through the admin API end sessions cluster-wide at once instead.
 */
export class RevokedCredentialsSweep {
  private readonly stamps = new WeakMap<ClientSession, string>();
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private readonly stopListening: () => void;

  constructor(
    private readonly ctx: CoreContext,
    intervalMs: number,
  ) {
    this.stopListening = ctx.events.on('sessionCreated', (session) => void this.remember(session));
    this.timer = setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  /** One pass now (tests, and after a change the server did not make itself). */
  sweep(): Promise<void> {
    return (this.running ??= this.compare()
      .catch((err: unknown) => this.ctx.logger.warn({ err }, 'could not check online accounts for changed credentials'))
      .finally(() => (this.running = undefined)));
  }

  dispose(): void {
    clearInterval(this.timer);
    this.stopListening();
  }

  private async remember(session: ClientSession): Promise<void> {
    try {
      const stamp = (await this.ctx.stores.accounts.credentialStamps([session.username])).get(session.username);
      if (stamp !== undefined) this.stamps.set(session, stamp);
      else this.end(session, 'account-deleted');
    } catch (err) {
      this.ctx.logger.warn({ err, jid: session.fullJid }, 'could not read the credential stamp of a new session');
    }
  }

  private async compare(): Promise<void> {
    const sessions = [...this.ctx.sessions.all()].filter((s) => !s.isEnded && this.stamps.has(s));
    if (sessions.length === 0) return;
    const current = await this.ctx.stores.accounts.credentialStamps(sessions.map((s) => s.username));
    for (const session of sessions) {
      const now = current.get(session.username);
      if (now === undefined) this.end(session, 'account-deleted');
      else if (now !== this.stamps.get(session)) this.end(session, 'password-changed');
    }
  }

  private end(session: ClientSession, reason: 'password-changed' | 'account-deleted'): void {
    void this.ctx.sessionEnding.endLocal({ ...revocation(session.username, this.ctx.domain, reason), jid: session.fullJid });
  }
}
