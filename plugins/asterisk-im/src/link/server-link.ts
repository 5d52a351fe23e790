import { EventEmitter } from 'eventemitter3';
import { AggregatedWarnings, type Logger } from '@asterisk-im/server-core';
import { AmiLink, type AmiEvent, type AmiLinkOptions, type AmiLinkState } from '../ami';
import { CallTracker, type CallTrackerEvents, type DeviceMapping } from '../calls';
import type { AsteriskServer } from '../store';
import type { TelephonyMetrics } from '../telephony-metrics';

export interface ServerLinkOptions {
  server: AsteriskServer;
  devices: DeviceMapping[];
  ringingIsBusy: boolean;
  link: Omit<AmiLinkOptions, 'host' | 'port' | 'username' | 'secret' | 'tls' | 'logger'>;
  logger: Logger;
  /** Asked before applying anything Asterisk says: a node that lost seniority must not act. */
  isSenior: () => boolean;
  metrics: TelephonyMetrics;
}

/** Phone events are not among them: they reach the clients through the phone state (events/phone-event-relay). */
export interface ServerLinkEvents extends Pick<CallTrackerEvents, 'userPhoneState' | 'callEnded'> {
  /** Every AMI event, once the tracker has applied it (other parts read what is not about calls). */
  amiEvent: (event: AmiEvent) => void;
  /** The link changed state, or failed (with the reason). */
  status: () => void;
  /** A resync finished: every user of this server is now known right. */
  resynced: () => void;
}

/**
 * One Asterisk server as the senior sees it: its AMI link and the call tracker fed by it.
 * Every (re)connect resyncs the calls in progress, so presence is right at once and calls
 * that ended while the link was down are cleared.
 */
export class ServerLink extends EventEmitter<ServerLinkEvents> {
  readonly name: string;
  readonly tracker: CallTracker;
  readonly link: AmiLink;
  /** The server row this link was opened with; a different row means the link must be reopened. */
  readonly signature: string;
  readonly ringingIsBusy: boolean;
  lastError: string | null = null;
  /** When the last event arrived (ms since the epoch), and how far behind Asterisk's `Timestamp` it was handled. */
  lastEventAt: number | null = null;
  lagMs: number | null = null;
  private readonly logger: Logger;
  private readonly invalidEvents: AggregatedWarnings;
  private eventStartedAt: number | undefined;
  /** A resync ran to its end since the link last connected: a later FullyBooted or Reload calls for another. */
  private resyncedSinceConnect = false;
  private resyncAgain = false;
  private resyncing = false;

  constructor(private readonly options: ServerLinkOptions) {
    super();
    const { server } = options;
    this.name = server.name;
    this.ringingIsBusy = options.ringingIsBusy;
    this.signature = JSON.stringify([server.host, server.port, server.username, server.secret, server.tls]);
    this.logger = options.logger.child({ asteriskServer: server.name });
    this.tracker = new CallTracker({ devices: options.devices, ringingIsBusy: options.ringingIsBusy });
    this.link = new AmiLink({ ...options.link, host: server.host, port: server.port, username: server.username, secret: server.secret, tls: server.tls, logger: this.logger });
    const latency = options.metrics.phonePresenceLatency;
    this.tracker.on('userPhoneState', (state) => {
      if (!this.options.isSenior()) return;
      // Handled synchronously from the AMI event that caused it, so the elapsed time is ours alone.
      if (this.eventStartedAt !== undefined) latency.observe((performance.now() - this.eventStartedAt) / 1000);
      this.emit('userPhoneState', state);
    });
    this.tracker.on('callEnded', (call) => {
      if (this.options.isSenior()) this.emit('callEnded', call);
    });
    // One line per reason per minute however many bad events arrive (each still counts in the metrics).
    this.invalidEvents = new AggregatedWarnings(this.logger);
    this.tracker.on('invalidEvent', (reason) => this.invalidEvents.warn(`invalid-ami-event: ${reason}`, { reason }, 'AMI event refused'));
    const events = options.metrics.amiEvents.labels(server.name);
    const linkUp = options.metrics.amiLinkUp.labels(server.name);
    this.link.on('event', (event) => {
      events.inc();
      this.noteArrival(event.fields.timestamp);
      if (!this.options.isSenior()) return;
      if (this.asksForResync(event.name)) return void this.resync();
      this.eventStartedAt = performance.now();
      try {
        this.tracker.handle(event);
      } finally {
        this.eventStartedAt = undefined;
      }
      this.emit('amiEvent', event);
    });
    this.link.on('connected', () => {
      linkUp.set(1);
      this.lastError = null;
      this.resyncedSinceConnect = false;
      this.emit('status');
      void this.resync();
    });
    this.link.on('disconnected', () => {
      linkUp.set(0);
      this.emit('status');
    });
    this.link.on('error', (error) => {
      this.lastError = `${error.kind}: ${error.message}`;
      this.emit('status');
    });
  }

  private noteArrival(timestamp: string | undefined): void {
    const now = Date.now();
    this.lastEventAt = now;
    const seconds = timestamp === undefined ? NaN : Number(timestamp);
    // Clocks of two machines: a PBX slightly ahead is no lag.
    if (Number.isFinite(seconds)) this.lagMs = Math.max(0, Math.round(now - seconds * 1000));
  }

  get state(): AmiLinkState {
    return this.link.state;
  }

  start(): void {
    this.link.start();
    this.emit('status');
  }

  async stop(): Promise<void> {
    await this.link.stop();
    this.invalidEvents.dispose();
    this.options.metrics.amiLinkUp.labels(this.name).set(0);
    this.emit('status');
  }

  setDevices(devices: DeviceMapping[]): void {
    this.tracker.setDevices(devices);
  }

  /**
   * Asterisk says it finished booting, or reloaded, after this link resynced: what it listed then
   * may be incomplete (a login during the boot) or stale (hints, DND states). The FullyBooted
   * that follows every login comes before the first resync ends, and asks for nothing.
   */
  private asksForResync(eventName: string): boolean {
    const name = eventName.toLowerCase();
    return (name === 'fullybooted' || name === 'reload') && this.resyncedSinceConnect;
  }

  /** Reads the calls in progress and the device states and lets the tracker publish the difference; one at a time. */
  private async resync(): Promise<void> {
    if (this.resyncing) {
      this.resyncAgain = true;
      return;
    }
    this.resyncing = true;
    try {
      await this.resyncOnce();
    } finally {
      this.resyncing = false;
    }
    if (this.resyncAgain) {
      this.resyncAgain = false;
      await this.resync();
    }
  }

  private async resyncOnce(): Promise<void> {
    try {
      const [channels, devices, presences] = await Promise.all([
        this.link.listAction({ Action: 'CoreShowChannels' }),
        this.link.listAction({ Action: 'DeviceStateList' }),
        // Asterisk without res_presence_state (or a manager user without the class) refuses it: DND then comes from hints only.
        this.link.listAction({ Action: 'PresenceStateList' }).then(
          (list) => list.items,
          () => undefined,
        ),
      ]);
      if (!this.options.isSenior() || this.link.state !== 'connected') return;
      this.tracker.resync(channels.items, devices.items, presences);
      this.resyncedSinceConnect = true;
      this.logger.info({ channels: channels.items.length, devices: devices.items.length }, 'calls resynced');
      this.emit('resynced');
    } catch (err) {
      // Each list action is bounded by the link's action timeout; the next connect resyncs again.
      this.lastError = `resync failed: ${err instanceof Error ? err.message : String(err)}`;
      this.logger.warn({ err }, 'resync failed');
      this.emit('status');
    }
  }
}
