import { AggregatedWarnings, FencedWriteError, type ClusterCache } from '@asterisk-im/server-core';
import type { AsteriskImRuntime } from '../runtime';
import { mailboxOf } from '../store/types';
import { parseMailboxCount, parseMessageWaiting, type MailboxCounts } from './mwi-messages';
import { sameVoicemail, withBox, type UserVoicemail } from './voicemail-state';

/**
 * On the senior: keeps each user's voicemail counts in the replicated cache, from
 * `MessageWaiting` events and, at every resync of a link (new senior, reconnect, PBX restart),
 * from a `MailboxCount` per mailbox mapped on that server, so counts that changed while nobody
 * listened are right again. A mailbox shared by several devices or users counts once per user.
 */
export class VoicemailTracker {
  private readonly invalid: AggregatedWarnings;
  /**
   * MessageWaiting events seen per `server mailbox`. Asterisk raises one for every change, so an
   * answer to a MailboxCount sent before the latest event is no newer than that event: it is
   * dropped (the answer and the event may arrive in one read, the event applied first).
   */
  private readonly eventsSeen = new Map<string, number>();

  constructor(
    private readonly runtime: AsteriskImRuntime,
    private readonly cache: ClusterCache<UserVoicemail>,
  ) {
    this.invalid = new AggregatedWarnings(runtime.ctx.logger);
  }

  start(): void {
    const { ctx, links } = this.runtime;
    ctx.onStop(() => this.invalid.dispose());
    ctx.onStop(
      links.onAmiEvent((server, event) => {
        const parsed = parseMessageWaiting(event);
        if (!parsed) return;
        if ('invalid' in parsed) return this.invalid.warn('invalid-mwi-event', { reason: parsed.invalid }, 'AMI event refused');
        const key = `${server} ${parsed.mailbox}`;
        this.eventsSeen.set(key, (this.eventsSeen.get(key) ?? 0) + 1);
        void this.apply(server, parsed.mailbox, parsed.counts, 'event');
      }),
    );
    ctx.onStop(links.onResynced((server) => void this.refresh(server)));
    // A device mapped (or given another mailbox) after the resync: ask for the boxes no entry knows.
    ctx.onStop(this.runtime.store.onChange(() => this.refreshUnknown()));
  }

  private refreshUnknown(): void {
    const { ctx, store, links } = this.runtime;
    if (!ctx.cluster.isSenior()) return;
    const servers = new Set<string>();
    for (const device of store.devices.list()) {
      if (this.cache.get(device.user)?.boxes[mailboxOf(device)] === undefined && links.linkFor(device.server)?.state === 'connected') servers.add(device.server);
    }
    for (const server of servers) void this.refresh(server);
  }

  /** Asks Asterisk for every mailbox mapped on `server`, one `MailboxCount` each. */
  async refresh(server: string): Promise<void> {
    const { ctx, links, store } = this.runtime;
    const mailboxes = new Set(store.devices.list().filter((d) => d.server === server).map(mailboxOf));
    for (const mailbox of mailboxes) {
      const link = links.linkFor(server);
      if (!link || !ctx.cluster.isSenior()) return;
      const key = `${server} ${mailbox}`;
      const seenBefore = this.eventsSeen.get(key) ?? 0;
      try {
        const counts = parseMailboxCount(await link.action({ Action: 'MailboxCount', Mailbox: mailbox }));
        if ((this.eventsSeen.get(key) ?? 0) !== seenBefore) continue;
        if (counts) await this.apply(server, mailbox, counts, 'resync');
        else this.invalid.warn('invalid-mailbox-count', { mailbox }, 'MailboxCount answer without counts');
      } catch (err) {
        // The next resync asks again; a refused action (no `call` or `reporting` write class) is reported once a minute.
        this.invalid.warn(`mailbox-count-failed`, { err, mailbox }, 'MailboxCount failed');
      }
    }
  }

  private async apply(server: string, mailbox: string, counts: MailboxCounts, source: 'event' | 'resync'): Promise<void> {
    const { ctx, store, metrics } = this.runtime;
    if (!ctx.cluster.isSenior()) return;
    const devices = store.devices.list();
    const users = new Set(devices.filter((d) => d.server === server && mailboxOf(d) === mailbox).map((d) => d.user));
    for (const user of users) {
      const boxes = [...new Set(devices.filter((d) => d.user === user).map(mailboxOf))];
      const previous = this.cache.get(user);
      const next = withBox(previous, boxes, mailbox, counts);
      if (sameVoicemail(previous, next)) continue;
      try {
        await this.cache.set(user, next);
        if (previous?.new !== next.new || previous?.old !== next.old) metrics.mwiUpdates.labels(source).inc();
      } catch (err) {
        if (err instanceof FencedWriteError) return;
        ctx.logger.warn({ err, user, mailbox }, 'could not publish voicemail counts; the next resync does');
      }
    }
  }
}
