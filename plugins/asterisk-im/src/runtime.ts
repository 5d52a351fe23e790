/**
 * What the plugin's core offers its other parts (actions, queues, admin routes). One runtime
 * per node; everything it holds is undone when the plugin stops.
 */
import type { IqHandler, PluginComponent, PluginContext } from '@asterisk-im/server-core';
import type { AmiEvent, AmiLink, AmiLinkState } from './ami';
import type { DeviceStateChange, EndedCall, UserPhoneState } from './calls';
import type { CallLogStore } from './calllog/call-log-store';
import type { AsteriskImConfig } from './config';
import type { TelephonyMetrics } from './telephony-metrics';
import type { PhoneStore, Settings } from './store/types';

export interface AmiLinkStatus {
  server: string;
  state: AmiLinkState;
  /** Node holding the link (the senior), or null when no node holds it. */
  node: string | null;
  /** Last reason the link failed, when it did. */
  error: string | null;
  /** When the senior last received an event from this server (ms since the epoch), as of the last status write. */
  lastEventAt?: number | null;
  /**
   * How far behind Asterisk's clock the senior handled its last event (ms): its `Timestamp`
   * against ours, so it counts the PBX's own queues, the network and this node. Null unless
   * manager.conf has `timestampevents = yes`.
   */
  lagMs?: number | null;
}

export interface LinkDirectory {
  /** The live link to a server; only the senior has links, every other node gets undefined. */
  linkFor(server: string): AmiLink | undefined;
  /** Every configured server's link as last published by the senior; readable on every node. */
  status(): AmiLinkStatus[];
  /** On the senior: a call of a monitored phone ended (each call once per listener that followed it). */
  onCallEnded(listener: (call: EndedCall) => void): () => void;
  /** On the senior: every AMI event of a server's link, after the call tracker applied it. */
  onAmiEvent(listener: (server: string, event: AmiEvent) => void): () => void;
  /** On the senior: a server's link connected and resynced its calls (new senior, reconnect, PBX restart). */
  onResynced(listener: (server: string) => void): () => void;
}

export interface PhoneStateView {
  /** The user's phone state as the senior last published it; readable on every node. */
  userState(bareJid: string): UserPhoneState | undefined;
  /** Every monitored device with its user and state. */
  deviceStates(): DeviceStateChange[];
}

/**
 * A user's own availability, leaving the plugin's phone presence out (while on the phone,
 * the presence they set and we trapped counts). `available` is true for no show or `chat`.
 */
export interface UserPresenceChange {
  user: string;
  available: boolean;
  /** No session available and one of them says dnd: the user chose do-not-disturb in chat. */
  dnd: boolean;
}

export interface PhoneComponent {
  /** `phone.<domain>` */
  readonly domain: string;
  send: PluginComponent['send'];
  /** Adds an IQ get/set handler on `phone.<domain>` for a payload namespace; the return undoes it. */
  addIqHandler(namespace: string, handler: IqHandler): () => void;
}

export interface AsteriskImRuntime {
  ctx: PluginContext<AsteriskImConfig>;
  store: PhoneStore;
  links: LinkDirectory;
  phoneState: PhoneStateView;
  component: PhoneComponent;
  /** The call log table, shared by every node (written by the senior). */
  callLog: CallLogStore;
  metrics: TelephonyMetrics;
  settings(): Settings;
  /**
   * Fires on every node when a user's own availability changes (and once per user at
   * start-up from the replicated state). Act on Asterisk only where ctx.cluster.isSenior().
   */
  onUserPresence(listener: (change: UserPresenceChange) => void): () => void;
}
