/** Steps of multi-user chat tests (XEP-0045): joining, room configuration forms, admin items. */
import type { Element } from 'ltx';
import type { TestClient } from '../../test/support/xmpp-client';
import { xml } from './world';

export const MUC_NS = 'http://jabber.org/protocol/muc';
export const MUC_USER_NS = `${MUC_NS}#user`;
export const MUC_ADMIN_NS = `${MUC_NS}#admin`;
export const MUC_OWNER_NS = `${MUC_NS}#owner`;

export interface JoinOptions {
  password?: string;
  /** Attributes of <history/>: maxstanzas, maxchars, seconds, since. */
  history?: Record<string, string>;
}

/** The presence that enters `room` (a bare room JID) as `nick`. */
export function joinPresence(room: string, nick: string, options: JoinOptions = {}): Element {
  const x = xml('x', { xmlns: MUC_NS });
  if (options.password !== undefined) x.c('password').t(options.password);
  if (options.history) x.c('history', options.history);
  return xml('presence', { to: `${room}/${nick}` }, x);
}

/** Status codes of a MUC presence or message. */
export function statusCodes(stanza: Element): number[] {
  return (stanza.getChild('x', MUC_USER_NS)?.getChildren('status') ?? []).map((s) => Number(s.attrs.code));
}

/** The self-presence (status 110) of `nick` in `room`, or the error presence the room answered with. */
export const selfPresence = (room: string, nick: string) => (s: Element) =>
  s.is('presence') && s.attrs.from === `${room}/${nick}` && (s.attrs.type === 'error' || (statusCodes(s).includes(110) && s.attrs.type !== 'unavailable'));

/** Joins and resolves with the self-presence that answers this join (throws with the condition when refused). */
export async function join(client: TestClient, room: string, nick: string, options: JoinOptions = {}): Promise<Element> {
  const start = client.received.length;
  const match = selfPresence(room, nick);
  const answered = client.waitFor((s) => client.received.indexOf(s) >= start && match(s), 5000, `the self-presence of ${nick} in ${room}`);
  await client.send(joinPresence(room, nick, options));
  const presence = await answered;
  if (presence.attrs.type === 'error') {
    const condition = presence.getChild('error')?.children.find((c): c is Element => typeof c !== 'string')?.name;
    throw Object.assign(new Error(`joining ${room} as ${nick} failed: ${String(condition)}`), { condition });
  }
  return presence;
}

/** The room's subject message, which ends what a joining client is sent. */
export const subjectOf = (room: string) => (s: Element) => s.is('message') && s.attrs.type === 'groupchat' && s.getChild('subject') !== undefined && String(s.attrs.from).startsWith(room);

/** A submitted muc#roomconfig form; no fields makes an instant room. */
export function roomConfig(fields: Record<string, string> = {}): Element {
  const form = xml('x', { xmlns: 'jabber:x:data', type: 'submit' });
  if (Object.keys(fields).length > 0) form.c('field', { var: 'FORM_TYPE' }).c('value').t(`${MUC_NS}#roomconfig`);
  for (const [name, value] of Object.entries(fields)) form.c('field', { var: `muc#roomconfig_${name}` }).c('value').t(value);
  return xml('iq', { type: 'set' }, xml('query', { xmlns: MUC_OWNER_NS }, form));
}

/** Creates `room` with `owner` joined as `nick` and configures it (instant room without fields). */
export async function createRoom(owner: TestClient, room: string, nick: string, fields: Record<string, string> = {}): Promise<Element> {
  const presence = await join(owner, room, nick);
  const config = roomConfig(fields);
  config.attrs.to = room;
  await owner.iq(config);
  return presence;
}

/** A muc#admin set of one item (role by nick or affiliation by jid). */
export function adminItem(room: string, item: Record<string, string>, reason?: string): Element {
  const el = xml('item', item);
  if (reason) el.c('reason').t(reason);
  return xml('iq', { type: 'set', to: room }, xml('query', { xmlns: MUC_ADMIN_NS }, el));
}

export const groupchat = (room: string, body: string, id?: string): Element => xml('message', { to: room, type: 'groupchat', ...(id ? { id } : {}) }, xml('body', {}, body));
