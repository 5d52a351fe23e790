import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { EventEmitter } from 'eventemitter3';
import { AggregatedWarnings, type Logger } from '@asterisk-im/server-core';
import type { AmiEvent, AmiResponse } from './ami-message';
import { toWireAction, type AmiAction } from './ami-action';
import { readOneChunkPerTurn } from './one-chunk-per-turn';
import { AmiFrameReader } from './ami-frame-reader';
import { AmiLinkError } from './ami-link-error';
import type { AmiLinkSettings } from './ami-link-options';
import type { ReadMessage } from './ami-message-builder';
import { answerManager, attachManager, openAmiSocket, type ManagerInstance } from './manager-over-socket';
import { PendingActions, type AmiList } from './pending-actions';

/** `connecting` until the banner, `login` until the event mask is accepted, then `ready`. */
export type SessionPhase = 'connecting' | 'login' | 'ready' | 'closing' | 'closed';

export interface AmiSessionEvents {
  ready: (version: string) => void;
  event: (event: AmiEvent) => void;
  /** Once per session, whatever ended it. */
  closed: (reason: string, error?: AmiLinkError) => void;
}

/**
 * One connection to Asterisk, from socket to logoff: banner, login, event
 * mask, actions with timeouts, list collection and keep-alive. It never
 * reconnects; AmiLink starts a new session for that. Owns its socket, its
 * reader, its asterisk-manager instance (which logs in and writes actions;
 * it reads nothing) and every timer, and releases them all on close.
 */
export class AmiSession extends EventEmitter<AmiSessionEvents> {
  private phaseValue: SessionPhase = 'connecting';
  private socket?: net.Socket;
  private manager?: ManagerInstance;
  private reader?: AmiFrameReader;
  private readonly pending: PendingActions;
  private readonly timers = new Set<NodeJS.Timeout>();
  private keepAliveTimer?: NodeJS.Timeout;
  private socketError?: Error;
  private nextActionNumber = 0;
  /** ActionIDs unique across sessions and nodes, so a late answer never settles the wrong action. */
  private readonly actionIdPrefix = `aim-${randomBytes(4).toString('hex')}`;
  private versionValue = '';
  private closedPromise?: Promise<void>;
  private resolveClosed?: () => void;
  /** A PBX (or something posing as one) can send bad messages without end: one line per reason per minute. */
  private readonly invalidMessages: AggregatedWarnings;

  constructor(
    private readonly settings: AmiLinkSettings,
    private readonly logger: Logger,
  ) {
    super();
    this.pending = new PendingActions(settings.actionTimeoutMs);
    this.invalidMessages = new AggregatedWarnings(logger);
  }

  get phase(): SessionPhase {
    return this.phaseValue;
  }

  /** The version from Asterisk's banner (`Asterisk Call Manager/5.0.1` -> `5.0.1`). */
  get version(): string {
    return this.versionValue;
  }

  open(): void {
    const socket = openAmiSocket(this.settings);
    this.socket = socket;
    socket.on('error', (error) => (this.socketError = error));
    socket.on('close', () => this.onSocketClosed());
    try {
      this.manager = attachManager(socket, this.settings);
    } catch (error) {
      this.close('could not attach the AMI reader', error instanceof AmiLinkError ? error : new AmiLinkError('protocol', String(error)));
      return;
    }
    const reader = new AmiFrameReader(this.settings, {
      banner: (version) => this.onBanner(version),
      message: (message) => this.onMessage(message),
      failed: (reason, error) => this.close(reason, error),
    });
    this.reader = reader;
    readOneChunkPerTurn(socket, (chunk) => reader.push(chunk));
    this.startTimer(this.settings.connectTimeoutMs, () =>
      this.phaseValue === 'connecting' ? this.close('connect timeout', new AmiLinkError('timeout', `no AMI banner within ${this.settings.connectTimeoutMs} ms`)) : undefined,
    );
  }

  action(action: AmiAction): Promise<AmiResponse> {
    return this.send(action, false, (id, description) => this.pending.waitForResponse(id, description));
  }

  listAction(action: AmiAction): Promise<AmiList> {
    return this.send(action, false, (id, description) => this.pending.waitForList(id, description));
  }

  /** Ends the session: with a Logoff when logged in, cutting the socket if Asterisk does not close it in time. */
  closeGracefully(): Promise<void> {
    if (this.phaseValue === 'closed') return Promise.resolve();
    if (this.phaseValue !== 'ready' || !this.manager || !this.socket) {
      this.close('stopped');
      return Promise.resolve();
    }
    this.phaseValue = 'closing';
    this.stopKeepAlive();
    this.pending.rejectAll(new AmiLinkError('disconnected', 'the AMI link is stopping'));
    this.manager.action(toWireAction({ Action: 'Logoff' }, this.newActionId(), true));
    this.socket.end();
    this.startTimer(this.settings.stopGraceMs, () => this.close('stopped'));
    return this.whenClosed();
  }

  /** Closes at once; the first reason given wins. */
  close(reason: string, error?: AmiLinkError): void {
    if (this.phaseValue === 'closed') return;
    const wasClosing = this.phaseValue === 'closing';
    this.phaseValue = 'closed';
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stopKeepAlive();
    this.pending.rejectAll(new AmiLinkError('disconnected', `the AMI link is down: ${reason}`));
    this.reader?.stop();
    this.socket?.destroy();
    this.invalidMessages.dispose();
    this.emit('closed', wasClosing ? 'stopped' : reason, error);
    this.resolveClosed?.();
  }

  private whenClosed(): Promise<void> {
    this.closedPromise ??= new Promise((resolve) => (this.resolveClosed = resolve));
    return this.closedPromise;
  }

  private onSocketClosed(): void {
    if (this.phaseValue === 'closing') return this.close('stopped');
    const cause = this.socketError;
    const error = new AmiLinkError('connect', cause ? cause.message : 'connection closed by Asterisk');
    this.close(cause ? `connection error: ${cause.message}` : 'connection closed by Asterisk', error);
  }

  private onBanner(version: string): void {
    this.versionValue = version;
    this.phaseValue = 'login';
    this.login();
  }

  private login(): void {
    const timer = this.startTimer(this.settings.actionTimeoutMs, () =>
      this.close('login timeout', new AmiLinkError('timeout', `no answer to Login within ${this.settings.actionTimeoutMs} ms`)),
    );
    this.manager?.login((failure) => {
      this.clearTimer(timer);
      if (this.phaseValue !== 'login') return;
      if (failure) {
        const message = typeof failure.message === 'string' ? failure.message : 'Authentication failed';
        this.close('login refused', new AmiLinkError('auth', message));
        return;
      }
      this.askForEvents();
    });
  }

  /** asterisk-manager's own `events` option sends `Event:` which Asterisk ignores, so the mask is set here. */
  private askForEvents(): void {
    this.send({ Action: 'Events', EventMask: this.settings.eventMask }, true, (id, d) => this.pending.waitForResponse(id, d), true).then(
      () => {
        if (this.phaseValue !== 'login') return;
        this.phaseValue = 'ready';
        this.scheduleKeepAlive();
        this.emit('ready', this.versionValue);
      },
      (error: AmiLinkError) => this.close('event mask refused', error),
    );
  }

  private scheduleKeepAlive(): void {
    this.keepAliveTimer = setTimeout(() => {
      this.keepAliveTimer = undefined;
      this.action({ Action: 'Ping' }).then(
        () => (this.phaseValue === 'ready' ? this.scheduleKeepAlive() : undefined),
        (error: AmiLinkError) => (this.phaseValue === 'ready' ? this.close('keep-alive: no Pong', error) : undefined),
      );
    }, this.settings.keepAliveMs);
  }

  private stopKeepAlive(): void {
    if (this.keepAliveTimer) clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  private send<T>(action: AmiAction, internal: boolean, wait: (id: string, description: string) => Promise<T>, duringLogin = false): Promise<T> {
    const usable = this.phaseValue === 'ready' || (duringLogin && this.phaseValue === 'login');
    if (!usable || !this.manager) return Promise.reject(new AmiLinkError('disconnected', 'the AMI link is not connected'));
    const actionId = this.newActionId();
    let wire;
    try {
      wire = toWireAction(action, actionId, internal);
    } catch (error) {
      return Promise.reject(error);
    }
    const answer = wait(actionId, `Action ${String(action.Action)}`);
    // No callback: answers are routed by our own reader (onMessage), with timeouts.
    this.manager.action(wire);
    return answer;
  }

  private newActionId(): string {
    this.nextActionNumber += 1;
    return `${this.actionIdPrefix}-${this.nextActionNumber}`;
  }

  private onMessage(message: ReadMessage): void {
    if (message.kind === 'invalid') {
      this.invalidMessages.warn(`invalid-ami-message: ${message.reason}`, { reason: message.reason }, 'ignoring an AMI message that failed validation');
      return;
    }
    if (message.kind === 'response') {
      this.pending.takeResponse(message.response);
      if (this.manager) answerManager(this.manager, message.response);
      return;
    }
    if (this.pending.takeListEvent(message.event)) return;
    if (this.phaseValue === 'ready') this.emit('event', message.event);
  }

  private startTimer(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private clearTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}
