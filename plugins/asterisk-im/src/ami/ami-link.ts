import { EventEmitter } from 'eventemitter3';
import { silentLogger, type Logger } from '@asterisk-im/server-core';
import type { AmiAction } from './ami-action';
import type { AmiEvent, AmiResponse } from './ami-message';
import { AmiLinkError } from './ami-link-error';
import { resolveAmiLinkOptions, type AmiLinkOptions, type AmiLinkSettings } from './ami-link-options';
import { AmiSession } from './ami-session';
import type { AmiList } from './pending-actions';
import { reconnectDelay } from './reconnect-delay';

/**
 * - `stopped`: not started, or stopped;
 * - `connecting`: a connection is being opened, logged in and given its event mask;
 * - `connected`: actions are accepted and events flow;
 * - `waiting`: the last attempt failed or the link was lost; a reconnect is scheduled.
 */
export type AmiLinkState = 'stopped' | 'connecting' | 'connected' | 'waiting';

export interface AmiLinkEvents {
  /** Logged in and the event mask accepted: resync now. */
  connected: (info: { version: string }) => void;
  /** A connected link was lost (or stopped); failed attempts only raise `error`. */
  disconnected: (info: { reason: string }) => void;
  event: (event: AmiEvent) => void;
  /** Why an attempt failed or a link dropped; `auth` carries Asterisk's own message. */
  error: (error: AmiLinkError) => void;
}

/**
 * One AMI link to one Asterisk server, kept up until stop(): reconnects with
 * exponential backoff and jitter, refuses actions while down, times actions
 * out, pings to find a hung server, and collects list actions. Built on the
 * asterisk-manager package; see AmiSession for what it adds per connection.
 */
export class AmiLink extends EventEmitter<AmiLinkEvents> {
  private readonly settings: AmiLinkSettings;
  private readonly logger: Logger;
  private stateValue: AmiLinkState = 'stopped';
  private session?: AmiSession;
  private reconnectTimer?: NodeJS.Timeout;
  private failedAttempts = 0;

  constructor(options: AmiLinkOptions) {
    super();
    this.settings = resolveAmiLinkOptions(options);
    this.logger = (options.logger ?? silentLogger()).child({
      ami: { host: this.settings.host, port: this.settings.port, tls: this.settings.tls, username: this.settings.username },
    });
  }

  get state(): AmiLinkState {
    return this.stateValue;
  }

  start(): void {
    if (this.stateValue !== 'stopped') return;
    this.failedAttempts = 0;
    this.connect();
  }

  /** Logs off and closes; resolves once the socket is closed and every timer is cleared. */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    const wasConnected = this.stateValue === 'connected';
    this.stateValue = 'stopped';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const session = this.session;
    this.session = undefined;
    if (session) await session.closeGracefully();
    if (wasConnected) this.emit('disconnected', { reason: 'stopped' });
    this.logger.info('AMI link stopped');
  }

  /** Sends an action and resolves with its answer; rejects with an AmiLinkError (`disconnected`, `timeout`, `action`, `invalid-action`). */
  action(action: AmiAction): Promise<AmiResponse> {
    if (!this.session || this.stateValue !== 'connected') return Promise.reject(this.notConnected());
    return this.session.action(action);
  }

  /** Sends a list action (`CoreShowChannels`, `DeviceStateList`, `QueueStatus`) and resolves with every item. */
  listAction(action: AmiAction): Promise<AmiList> {
    if (!this.session || this.stateValue !== 'connected') return Promise.reject(this.notConnected());
    return this.session.listAction(action);
  }

  private notConnected(): AmiLinkError {
    return new AmiLinkError('disconnected', `the AMI link is ${this.stateValue}`);
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    this.stateValue = 'connecting';
    const session = new AmiSession(this.settings, this.logger);
    this.session = session;
    session.on('ready', (version) => {
      if (this.session !== session) return;
      this.stateValue = 'connected';
      this.failedAttempts = 0;
      this.logger.info({ version }, 'AMI link connected');
      this.emit('connected', { version });
    });
    session.on('event', (event) => {
      if (this.session === session) this.emit('event', event);
    });
    session.on('closed', (reason, error) => this.onSessionClosed(session, reason, error));
    session.open();
  }

  private onSessionClosed(session: AmiSession, reason: string, error?: AmiLinkError): void {
    if (this.session !== session) return;
    this.session = undefined;
    const wasConnected = this.stateValue === 'connected';
    if (error) {
      this.logger.warn({ kind: error.kind, reason, message: error.message }, 'AMI link failed');
      this.emit('error', error);
    }
    if (wasConnected) this.emit('disconnected', { reason });
    if (this.stateValue === 'stopped') return;
    const delay = reconnectDelay(this.failedAttempts, this.settings.reconnectMinMs, this.settings.reconnectMaxMs);
    this.failedAttempts += 1;
    this.stateValue = 'waiting';
    this.logger.info({ delayMs: delay, reason }, 'AMI link will reconnect');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }
}
