import { Element } from 'ltx';
import { NS, clone, parseXml } from '../../xml';
import { affiliationOf, occupantId } from './muc-rooms';
import { MUC_USER, OCCUPANT_ID, type Occupant, type RoomState } from './muc-types';

/** Where a room's stanzas go: a real JID of an occupant (any node), or any address. */
export interface MucOutput {
  /** To one online resource; false when it is not online (any more). */
  deliver(fullJid: string, stanza: Element): boolean;
  /** A copy to each online resource, addressed to it; returns the resources not online. */
  deliverToEach(fullJids: readonly string[], stanza: Element): string[];
  /** Through the router, from `from` (a room or occupant JID). */
  route(stanza: Element, from: string): Promise<void>;
}

export interface PresenceExtras {
  codes?: number[];
  /** Set when the occupant leaves: unavailable presence with role none. */
  unavailable?: boolean;
  reason?: string;
  actor?: string;
  /** The leaving occupant's own status text. */
  status?: string;
  /** A nickname change (303): the new nickname. */
  newNick?: string;
  destroy?: { jid?: string; reason?: string };
}

/** Whether `viewer` may see occupants' real JIDs (XEP-0045 semi-anonymous vs non-anonymous). */
export function seesRealJids(room: RoomState, viewer: Occupant): boolean {
  return room.config.whois === 'anyone' || viewer.role === 'moderator';
}

/** The occupant's presence as `viewer` receives it, the muc#user item saying who they are. */
export function occupantPresence(room: RoomState, occupant: Occupant, viewer: Occupant, extras: PresenceExtras = {}): Element {
  const presence = extras.unavailable ? new Element('presence', { type: 'unavailable' }) : parseXml(occupant.presence);
  presence.attrs.from = `${room.jid}/${occupant.nick}`;
  if (extras.status) presence.c('status').t(extras.status);
  const x = presence.c('x', { xmlns: MUC_USER });
  const item = x.c('item', { affiliation: affiliationOf(room, occupant.bare), role: extras.unavailable ? 'none' : occupant.role });
  if (seesRealJids(room, viewer) || viewer === occupant) item.attrs.jid = occupant.jids[0];
  if (extras.newNick) item.attrs.nick = extras.newNick;
  if (extras.actor) item.c('actor', { nick: extras.actor });
  if (extras.reason) item.c('reason').t(extras.reason);
  if (extras.destroy) {
    const destroy = x.c('destroy', extras.destroy.jid ? { jid: extras.destroy.jid } : {});
    if (extras.destroy.reason) destroy.c('reason').t(extras.destroy.reason);
  }
  const codes = [...(extras.codes ?? [])];
  if (viewer === occupant) codes.unshift(110);
  for (const code of [...new Set(codes)].sort((a, b) => a - b)) x.c('status', { code: String(code) });
  presence.c('occupant-id', { xmlns: OCCUPANT_ID, id: occupantId(room, occupant.bare) });
  return presence;
}

/** The parts of a client's presence a room repeats: show, status, priority, caps and the like. */
export function storedPresence(stanza: Element): string {
  const presence = new Element('presence');
  for (const child of stanza.children) {
    if (typeof child === 'string') continue;
    const xmlns = child.attrs.xmlns as string | undefined;
    if (child.name === 'x' && xmlns?.startsWith('http://jabber.org/protocol/muc')) continue;
    if (xmlns === OCCUPANT_ID || child.name === 'error') continue;
    presence.cnode(clone(child));
  }
  return presence.toString();
}

/**
 * Sends `build(viewer)` to every resource of every occupant. Viewers for whom `build` returns
 * the same element get it in one delivery (one cluster message per node), so a builder should
 * return one element for all who see the same thing.
 */
export function toEveryone(out: MucOutput, room: RoomState, build: (viewer: Occupant) => Element | null): void {
  const recipients = new Map<Element, string[]>();
  for (const viewer of room.occupants) {
    const stanza = build(viewer);
    if (!stanza) continue;
    const jids = recipients.get(stanza);
    if (jids) jids.push(...viewer.jids);
    else recipients.set(stanza, [...viewer.jids]);
  }
  for (const [stanza, jids] of recipients) out.deliverToEach(jids, stanza);
}

/**
 * `occupant`'s presence as each viewer receives it (see occupantPresence), built once for each
 * kind of viewer: the occupant itself, those who see real JIDs, those who do not.
 */
export function presenceForViewers(room: RoomState, occupant: Occupant, extras: PresenceExtras = {}): (viewer: Occupant) => Element {
  const built = new Map<string, Element>();
  return (viewer) => {
    const kind = viewer === occupant ? 'self' : seesRealJids(room, viewer) ? 'jid' : 'anonymous';
    let presence = built.get(kind);
    if (!presence) {
      presence = occupantPresence(room, occupant, viewer, extras);
      built.set(kind, presence);
    }
    return presence;
  };
}

/** A copy of `stanza` addressed to `to`. */
export function addressed(stanza: Element, to: string): Element {
  const copy = clone(stanza);
  copy.attrs.to = to;
  return copy;
}

/** An XEP-0203 delay stamp from the room. */
export function delayed(stanza: Element, stamp: number, from: string): Element {
  const copy = clone(stanza);
  copy.c('delay', { xmlns: NS.DELAY, stamp: new Date(stamp).toISOString(), from });
  return copy;
}

/** A message from the room itself with status codes (104: configuration changed, ...). */
export function statusMessage(room: RoomState, codes: number[]): Element {
  const message = new Element('message', { from: room.jid, type: 'groupchat' });
  const x = message.c('x', { xmlns: MUC_USER });
  for (const code of codes) x.c('status', { code: String(code) });
  return message;
}
