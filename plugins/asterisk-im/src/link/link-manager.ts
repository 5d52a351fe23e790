import { EventEmitter } from 'eventemitter3';
import { FencedWriteError, type ClusterCache, type PluginCluster, type PluginContext } from '@asterisk-im/server-core';
import type { AmiEvent, AmiLink } from '../ami';
import { strongestState, type EndedCall, type UserPhoneState } from '../calls';
import type { AsteriskImConfig } from '../config';
import type { PhoneStateCache } from '../presence/phone-state-cache';
import type { AmiLinkStatus, LinkDirectory } from '../runtime';
import { KeyedRetry } from '../retry';
import type { SqlPhoneStore } from '../store';
import type { TelephonyMetrics } from '../telephony-metrics';
import { ServerLink } from './server-link';

/** Like the cluster's cache reload retry: soon after Redis is back, without hammering it meanwhile. */
const PUBLISH_RETRY_MS = 500;
/** How often the senior writes each link's last event time and lag when they changed. */
const STATUS_REFRESH_MS = 5000;

/** What the link manager uses of the plugin context (a test gives just that). */
export type LinkManagerContext = Pick<PluginContext<AsteriskImConfig>, 'nodeId' | 'logger' | 'config' | 'timers' | 'onStop'> & {
  cluster: Pick<PluginCluster, 'on' | 'isSenior' | 'members'>;
};

export interface LinkManagerDeps {
  ctx: LinkManagerContext;
  store: SqlPhoneStore;
  phoneState: PhoneStateCache;
  /** Replicated: server name -> its link's status, written by the senior. */
  statusCache: ClusterCache<AmiLinkStatus>;
  metrics: TelephonyMetrics;
}

/**
 * Holds one AMI link per configured Asterisk server, on the senior only: opened when this
 * node is marked senior, closed at once when it loses seniority or the plugin stops, and
 * reopened when a server's row changes. Merges the per-server call trackers into the
 * replicated phone state of users and devices.
 */
export class LinkManager implements LinkDirectory {
  private readonly links = new Map<string, ServerLink>();
  /** Serialises reconciliations so two store changes never open the same link twice. */
  private queue: Promise<void> = Promise.resolve();
  /** Links connected and resynced since they last connected: their trackers know the truth. */
  private readonly synced = new Set<ServerLink>();
  private correctionQueued = false;
  private confirmQueued = false;
  /** A republish ran whose completion mark is not written yet. */
  private markOwed = false;
  /** Users whose phone state could not be written (Redis unreachable): written again, not diffed against the local copy. */
  private readonly unwritten: KeyedRetry;
  private readonly markRetry: KeyedRetry;
  /** What the senior's links hear, for the plugin's other parts (call log, voicemail). */
  private readonly heard = new EventEmitter<{ callEnded: (call: EndedCall) => void; amiEvent: (server: string, event: AmiEvent) => void; resynced: (server: string) => void }>();

  constructor(private readonly deps: LinkManagerDeps) {
    this.unwritten = new KeyedRetry(deps.ctx.timers, PUBLISH_RETRY_MS, (user) => void this.publish(user, { retry: true }));
    this.markRetry = new KeyedRetry(deps.ctx.timers, PUBLISH_RETRY_MS, () => this.markIfOwed());
  }

  start(): void {
    const { ctx } = this.deps;
    ctx.cluster.on('markedSenior', () => this.schedule());
    ctx.cluster.on('lostSeniority', () => this.closeAll());
    this.deps.store.onChange(() => this.schedule());
    ctx.onStop(this.deps.phoneState.onForeignChange(ctx.nodeId, () => this.correctForeignChange()));
    // Last event and lag change with every event: written every few seconds, not per event.
    ctx.timers.setInterval(() => this.refreshActivity(), STATUS_REFRESH_MS);
    ctx.onStop(async () => {
      await this.queue;
      const wasSenior = ctx.cluster.isSenior();
      await this.closeAll();
      // Seniority may have moved on meanwhile: then the new senior owns the entries (a write would be refused).
      if (wasSenior) for (const name of this.deps.statusCache.keys()) if (ctx.cluster.isSenior()) await this.deps.statusCache.delete(name);
    });
    this.schedule();
  }

  onCallEnded(listener: (call: EndedCall) => void): () => void {
    this.heard.on('callEnded', listener);
    return () => this.heard.off('callEnded', listener);
  }

  onAmiEvent(listener: (server: string, event: AmiEvent) => void): () => void {
    this.heard.on('amiEvent', listener);
    return () => this.heard.off('amiEvent', listener);
  }

  onResynced(listener: (server: string) => void): () => void {
    this.heard.on('resynced', listener);
    return () => this.heard.off('resynced', listener);
  }

  linkFor(server: string): AmiLink | undefined {
    if (!this.deps.ctx.cluster.isSenior()) return undefined;
    return this.links.get(server)?.link;
  }

  status(): AmiLinkStatus[] {
    const members = new Set(this.deps.ctx.cluster.members());
    return this.deps.store.servers.list().map(({ name }) => {
      const published = this.deps.statusCache.get(name);
      // A link held by a node that is gone is not held by anyone.
      if (!published || (published.node && !members.has(published.node))) return { server: name, state: 'stopped', node: null, error: null, lastEventAt: null, lagMs: null };
      return published;
    });
  }

  private schedule(): void {
    this.queue = this.queue
      .then(() => this.reconcile())
      .catch((err: unknown) => this.deps.ctx.logger.error({ err }, 'could not update the AMI links'));
  }

  /** Brings the open links in line with the configured servers (senior) or closes them all. */
  private async reconcile(): Promise<void> {
    const { ctx, store } = this.deps;
    if (!ctx.cluster.isSenior()) return this.closeAll();
    const settings = store.settings.get();
    const wanted = new Set<string>();
    for (const { name } of store.servers.list()) {
      const server = store.credentials(name);
      if (!server) continue;
      wanted.add(name);
      const devices = store.devices.list().filter((d) => d.server === name).map((d) => ({ device: d.device, user: d.user, monitored: d.monitored, extension: d.extension }));
      const existing = this.links.get(name);
      const signature = JSON.stringify([server.host, server.port, server.username, server.secret, server.tls]);
      if (existing && existing.signature === signature && existing.ringingIsBusy === settings.ringingIsBusy) {
        existing.setDevices(devices);
        continue;
      }
      if (existing) await this.close(existing);
      const link = new ServerLink({
        server,
        devices,
        ringingIsBusy: settings.ringingIsBusy,
        link: ctx.config.value.link,
        logger: ctx.logger,
        isSenior: () => ctx.cluster.isSenior(),
        metrics: this.deps.metrics,
      });
      // Whatever the previous listener published stays as it is until this link's resync says otherwise.
      link.tracker.restore(this.deps.phoneState.userStates());
      this.wire(link);
      this.links.set(name, link);
      link.start();
    }
    for (const link of [...this.links.values()]) if (!wanted.has(link.name)) await this.close(link);
    this.republishAll();
  }

  private wire(link: ServerLink): void {
    const report = (what: string) => (err: unknown) => this.deps.ctx.logger.warn({ err }, `could not publish ${what}`);
    link.on('userPhoneState', (state) => void this.publish(state.user));
    link.on('status', () => {
      if (link.state !== 'connected') this.synced.delete(link);
      void this.publishStatus(link).catch(report('a link status'));
    });
    link.on('resynced', () => {
      this.synced.add(link);
      this.republishAll();
      this.heard.emit('resynced', link.name);
    });
    link.on('callEnded', (call) => this.heard.emit('callEnded', call));
    link.on('amiEvent', (event) => this.heard.emit('amiEvent', link.name, event));
  }

  /**
   * Only the senior writes phone states, so a change from another node is stale: after Redis
   * lost its data, nodes put their old copies back, which can bring back a user "on the phone"
   * whose call ended meanwhile (an ended call is a deleted entry, which nothing restores).
   * Once every link knows the calls in progress, the senior writes its truth over it; before
   * that, the resync at connect does.
   */
  private correctForeignChange(): void {
    if (this.correctionQueued || !this.deps.ctx.cluster.isSenior()) return;
    this.correctionQueued = true;
    setImmediate(() => {
      this.correctionQueued = false;
      const everyLinkSynced = this.links.size > 0 && [...this.links.values()].every((link) => this.synced.has(link));
      if (!everyLinkSynced) return;
      this.republishAll();
    });
  }

  /**
   * Publishes one user; a failed write is retried until one succeeds. A retry writes even what
   * the local copy already shows: after a failed write that copy shows a value the store never
   * took (until it reloads), and other nodes never saw it. A retry that has to wait for a link's
   * resync waits in the retry too, so a senior never forgets a write it owes. Resolves true when
   * the user's state is in the store.
   */
  private publish(user: string, { retry = false, refresh = false }: { retry?: boolean; refresh?: boolean } = {}): Promise<boolean> {
    return this.publishUser(user, { force: retry, refresh }).then(
      (done) => {
        if (!done && retry) this.unwritten.failed(user);
        if (done && retry) this.markIfOwed();
        return done;
      },
      (err: unknown) => {
        // Refused by the fence: this node's lease ended before the write landed; the next senior writes its own.
        if (err instanceof FencedWriteError) {
          this.deps.ctx.logger.info({ user, token: err.token }, 'phone state write refused: the lease it was made under is over');
          return false;
        }
        // One warning per outage and user, not one per retry.
        if (!retry) this.deps.ctx.logger.warn({ err, user }, 'could not publish a phone state; retrying');
        this.unwritten.failed(user);
        return false;
      },
    );
  }

  /**
   * A user may have devices on several servers: merge what every tracker knows. Not while a
   * link with devices of the user has not resynced since it (re)connected: its tracker may
   * not know of calls in progress or ended, and contacts must see no state in between.
   * Resolves false when it had to wait for such a link (nothing written).
   */
  private async publishUser(user: string, write: { force: boolean; refresh: boolean }): Promise<boolean> {
    if (!this.deps.ctx.cluster.isSenior()) return true;
    for (const link of this.links.values()) if (!this.synced.has(link) && link.tracker.hasUser(user)) return false;
    const merged: UserPhoneState = { user, onPhone: false, state: 'idle', calls: [], devices: [] };
    for (const link of this.links.values()) {
      const state = link.tracker.userPhoneState(user);
      merged.onPhone ||= state.onPhone;
      merged.state = strongestState([merged.state!, state.state ?? 'idle']);
      merged.calls.push(...state.calls);
      merged.devices.push(...state.devices);
      if (state.dnd) merged.dnd = true;
    }
    await this.deps.phoneState.publishUser(merged, write);
    return true;
  }

  /**
   * After a resync or a change of links: every user the replicated state or a tracker knows
   * is published again, so a user whose calls ended unseen (or whose server was removed, or
   * who was on the phone under a previous senior) never stays "on the phone". Entries are
   * written even where the local copy shows them (after Redis lost its data the store may lack
   * them); once all are in, the completion mark tells every node that an entry it still holds
   * from a loss is gone for good.
   */
  private republishAll(): void {
    if (!this.deps.ctx.cluster.isSenior()) return;
    const users = new Set(this.deps.phoneState.usersKnown());
    for (const device of this.deps.store.devices.list()) users.add(device.user);
    this.markOwed = true;
    // Each on its own: one failed write must not leave the users after it unpublished.
    void Promise.all([...users].map((user) => this.publish(user, { refresh: true }))).then((written) => {
      if (written.every(Boolean)) this.markIfOwed();
    });
  }

  /**
   * Another node holds entries that vanished in a reload: it waits for this senior to say
   * what is true. Answered by a republish and its mark once every link knows its calls.
   */
  confirmPhoneState(): void {
    if (this.confirmQueued || !this.deps.ctx.cluster.isSenior()) return;
    this.confirmQueued = true;
    setImmediate(() => {
      this.confirmQueued = false;
      const everyLinkSynced = [...this.links.values()].every((link) => this.synced.has(link));
      // Not synced yet: the link's resync republishes everything and marks it.
      if (everyLinkSynced) this.republishAll();
    });
  }

  /** Writes the completion mark when a republish is owed one and no write of it is still pending. */
  private markIfOwed(): void {
    if (!this.markOwed || this.unwritten.pending > 0 || !this.deps.ctx.cluster.isSenior()) return;
    if (![...this.links.values()].every((link) => this.synced.has(link))) return;
    this.markOwed = false;
    this.deps.phoneState.markSynced(this.deps.ctx.nodeId).catch((err: unknown) => {
      this.markOwed = true;
      if (err instanceof FencedWriteError) return;
      this.deps.ctx.logger.warn({ err }, 'could not write the phone state completion mark; retrying');
      this.markRetry.failed('mark');
    });
  }

  private refreshActivity(): void {
    for (const link of this.links.values()) {
      const published = this.deps.statusCache.get(link.name);
      if (published && published.lastEventAt === link.lastEventAt && published.lagMs === link.lagMs) continue;
      void this.publishStatus(link).catch((err: unknown) => this.deps.ctx.logger.warn({ err }, 'could not publish a link status'));
    }
  }

  private async publishStatus(link: ServerLink): Promise<void> {
    const { ctx, statusCache } = this.deps;
    // After losing seniority the new senior owns the status entries.
    if (!ctx.cluster.isSenior() || this.links.get(link.name) !== link) return;
    const status: AmiLinkStatus = { server: link.name, state: link.state, node: ctx.nodeId, error: link.lastError, lastEventAt: link.lastEventAt, lagMs: link.lagMs };
    await statusCache.set(link.name, status);
  }

  private async close(link: ServerLink): Promise<void> {
    if (this.links.get(link.name) === link) this.links.delete(link.name);
    this.synced.delete(link);
    link.removeAllListeners();
    await link.stop();
  }

  /** All at once: a node that lost seniority must stop talking to Asterisk now. */
  private async closeAll(): Promise<void> {
    const links = [...this.links.values()];
    if (links.length > 0) this.deps.ctx.logger.info({ servers: links.map((l) => l.name) }, 'closing AMI links');
    await Promise.all(links.map((link) => this.close(link)));
  }
}
