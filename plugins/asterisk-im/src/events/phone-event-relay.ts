import type { PluginContext, PluginRouter, PluginSession, PluginSessions } from '@asterisk-im/server-core';
import type { PhoneEvent, PhoneEventType, UserCall } from '../calls';
import type { AsteriskImConfig } from '../config';
import type { PhoneStateCache } from '../presence/phone-state-cache';
import { phoneEventMessage } from './phone-event-message';

/** The order a call's events happen in, so two told at once arrive in that order. */
const ORDER: readonly PhoneEventType[] = ['RING', 'DIALED', 'ON_PHONE'];

/**
 * How long a session remembers a call it was told the end of: a stale copy of the entry put
 * back into Redis later (by a node that missed the end) must not tell the call again.
 */
const ENDED_MEMORY_MS = 5 * 60000;

/** What one session was told about one call. */
interface Told {
  device: string;
  types: Set<PhoneEventType>;
  /** When it was told `HANG_UP` (monotonic ms). */
  endedAt?: number;
}

/** What the relay uses of the plugin context (a test gives just that). */
export type PhoneEventRelayContext = Pick<PluginContext<AsteriskImConfig>, 'onStop' | 'events'> & {
  sessions: Pick<PluginSessions, 'ofUser'>;
  router: Pick<PluginRouter, 'deliverToResource'>;
};

/**
 * Phone events follow the replicated phone state instead of travelling as messages of their
 * own: each call in a user's entry lists the events due to its clients (`announced`, kept by
 * the senior's tracker), and every node tells its own sessions of the user what they were not
 * told yet, and `HANG_UP` for a call they heard of that is gone from the entry. So each session
 * gets each event once, whoever is senior; a change missed during an outage (Redis down, a
 * paused node) is made good when the cache reloads; and a new senior repeats nothing.
 */
export class PhoneEventRelay {
  /** Per session of this node, by full JID: per call, what it was told. */
  private readonly told = new Map<string, Map<string, Told>>();

  constructor(
    private readonly ctx: PhoneEventRelayContext,
    private readonly phoneState: PhoneStateCache,
    private readonly componentDomain: string,
  ) {}

  start(): void {
    const { ctx } = this;
    // An entry lost with Redis's data is held by the cache until the senior confirms: a call
    // gone from it has ended.
    ctx.onStop(this.phoneState.onUserChange((user) => this.relay(user)));
    // A session that binds during a call hears of what happens from now on, and of its end.
    ctx.events.on('sessionCreated', (session) => this.told.set(session.fullJid, this.asAlreadyTold(session.bareJid)));
    ctx.events.on('sessionDestroyed', (session) => this.told.delete(session.fullJid));
  }

  private relay(user: string): void {
    const calls = this.phoneState.userState(user)?.calls ?? [];
    for (const session of this.ctx.sessions.ofUser(user)) {
      if (session.isEnded) continue;
      let told = this.told.get(session.fullJid);
      if (!told) this.told.set(session.fullJid, (told = this.asAlreadyTold(user)));
      for (const call of calls) this.tellNews(session, call, told);
      const now = performance.now();
      for (const [callID, about] of told) {
        if (about.endedAt !== undefined) {
          if (now - about.endedAt > ENDED_MEMORY_MS) told.delete(callID);
          continue;
        }
        if (calls.some((call) => call.callID === callID)) continue;
        if (about.types.size === 0) {
          told.delete(callID);
          continue;
        }
        about.types.add('HANG_UP');
        about.endedAt = now;
        this.deliver(session, { user, device: about.device, callID, type: 'HANG_UP' });
      }
    }
  }

  private tellNews(session: PluginSession, call: UserCall, told: Map<string, Told>): void {
    let about = told.get(call.callID);
    if (!about) told.set(call.callID, (about = { device: call.device, types: new Set() }));
    // Told its end already: an entry back after Redis lost it brings no news of that call.
    if (about.endedAt !== undefined) return;
    const announced = Array.isArray(call.announced) ? call.announced : [];
    for (const type of ORDER) {
      if (!announced.includes(type) || about.types.has(type)) continue;
      about.types.add(type);
      const event: PhoneEvent = { user: session.bareJid, device: call.device, callID: call.callID, type };
      if (call.otherNum) event.callerID = call.otherNum;
      if (type !== 'ON_PHONE' && call.otherName) event.callerIDName = call.otherName;
      this.deliver(session, event);
    }
  }

  /** The user's calls in progress, as if the session had been told of them already. */
  private asAlreadyTold(user: string): Map<string, Told> {
    const calls = this.phoneState.userState(user)?.calls ?? [];
    return new Map(calls.map((call) => [call.callID, { device: call.device, types: new Set(Array.isArray(call.announced) ? call.announced : []) }]));
  }

  private deliver(session: PluginSession, event: PhoneEvent): void {
    this.ctx.router.deliverToResource(session.fullJid, phoneEventMessage(event, this.componentDomain, session.fullJid));
  }
}
