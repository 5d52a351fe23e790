import { Element } from 'ltx';
import type { Logger } from '../../log';
import { NS, StanzaError, clone, type Jid } from '../../xml';
import { MucArchive } from './muc-archive';
import { AFFILIATION_RANK, CONFERENCE, MUC_USER, OCCUPANT_ID, type Occupant, type RoomState } from './muc-types';
import { occupantByJid, occupantByNick, occupantId, rankOf, type RoomRegistry } from './muc-rooms';
import { addressed, toEveryone, type MucOutput } from './muc-stanzas';

/** Messages to a room or an occupant: groupchat, subject, private messages, invitations (XEP-0045 7.4-7.5, 7.8, 8.1). */
export class MucMessages {
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly out: MucOutput,
    private readonly archive: MucArchive,
    private readonly logger: Logger,
  ) {}

  async handle(stanza: Element, from: Jid, to: Jid): Promise<void> {
    const type = stanza.attrs.type as string | undefined;
    if (type === 'error') return;
    const room = await this.rooms.find(to.bare);
    if (!room || room.locked) throw new StanzaError('item-not-found', `there is no room ${to.bare}`, 'cancel');
    const sender = occupantByJid(room, from.full);
    if (to.resource !== null) return this.privateMessage(room, sender, stanza, to.resource);
    const invitations = stanza.getChild('x', MUC_USER);
    if (type !== 'groupchat' && invitations) return this.invitations(room, sender, from, invitations);
    if (type !== 'groupchat') throw new StanzaError('bad-request', 'messages to a room are of type groupchat');
    if (!sender) throw new StanzaError('not-acceptable', 'join the room before speaking in it', 'modify');
    const subject = stanza.getChild('subject');
    if (subject && stanza.getChild('body') === undefined) return this.changeSubject(room, sender, stanza, subject.getText());
    if (sender.role === 'visitor' || sender.role === 'none') throw new StanzaError('forbidden', 'you have no voice in this moderated room', 'auth');
    const message = this.fromOccupant(room, sender, stanza);
    if (stanza.getChild('body') && MucArchive.keeps(room)) {
      // The message matters more than its archive copy: it goes out without a stanza-id then.
      await this.archive.record(room, sender.nick, message).catch((err: unknown) => this.logger.error({ err, room: room.jid }, 'a room message could not be archived'));
    }
    toEveryone(this.out, room, () => message);
    if (stanza.getChild('body')) {
      const stored = clone(message);
      delete stored.attrs.to;
      await this.rooms.addHistory(room, { stamp: Date.now(), nick: sender.nick, xml: stored.toString() });
    }
  }

  /** The sender's message as the room repeats it: from the occupant JID, with its occupant id. */
  private fromOccupant(room: RoomState, sender: Occupant, stanza: Element): Element {
    const message = new Element('message', { from: `${room.jid}/${sender.nick}`, type: 'groupchat' });
    if (stanza.attrs.id) message.attrs.id = stanza.attrs.id;
    for (const child of stanza.children) {
      if (typeof child === 'string') continue;
      // Never trust an occupant id or stanza-id the sender wrote.
      if (child.attrs.xmlns === OCCUPANT_ID || child.attrs.xmlns === NS.STANZA_ID) continue;
      message.cnode(clone(child));
    }
    message.c('occupant-id', { xmlns: OCCUPANT_ID, id: occupantId(room, sender.bare) });
    return message;
  }

  private async changeSubject(room: RoomState, sender: Occupant, stanza: Element, text: string): Promise<void> {
    const allowed = sender.role === 'moderator' || (room.config.changeSubject && sender.role === 'participant');
    if (!allowed) throw new StanzaError('forbidden', 'only moderators may change the subject of this room', 'auth');
    room.subject = { text, nick: sender.nick };
    const message = this.fromOccupant(room, sender, stanza);
    toEveryone(this.out, room, () => message);
    await this.rooms.commit(room, { stored: true });
  }

  private privateMessage(room: RoomState, sender: Occupant | undefined, stanza: Element, nick: string): void {
    if (!sender) throw new StanzaError('not-acceptable', 'join the room before sending private messages in it', 'modify');
    if (stanza.attrs.type === 'groupchat') throw new StanzaError('bad-request', 'a private message is not of type groupchat', 'modify');
    if (!room.config.allowPrivateMessages && sender.role !== 'moderator') throw new StanzaError('forbidden', 'private messages are off in this room', 'auth');
    const recipient = occupantByNick(room, nick);
    if (!recipient) throw new StanzaError('item-not-found', `nobody is called ${nick} in this room`, 'cancel');
    const message = clone(stanza);
    message.attrs.from = `${room.jid}/${sender.nick}`;
    message.children = message.children.filter((c: Element | string) => typeof c === 'string' || c.attrs.xmlns !== OCCUPANT_ID);
    if (!message.getChild('x', MUC_USER)) message.c('x', { xmlns: MUC_USER });
    for (const jid of recipient.jids) this.out.deliver(jid, addressed(message, jid));
  }

  /** Mediated invitations and declines (XEP-0045 7.8.2, 7.8.3). */
  private async invitations(room: RoomState, sender: Occupant | undefined, from: Jid, x: Element): Promise<void> {
    for (const decline of x.getChildren('decline')) {
      const to = decline.attrs.to as string | undefined;
      if (!to) throw new StanzaError('bad-request', 'a decline names whom it is for (to)');
      const message = new Element('message', { to, from: room.jid });
      const out = message.c('x', { xmlns: MUC_USER }).c('decline', { from: from.bare });
      const reason = decline.getChildText('reason');
      if (reason) out.c('reason').t(reason);
      await this.out.route(message, room.jid);
    }
    const invites = x.getChildren('invite');
    if (invites.length === 0) return;
    if (!sender) throw new StanzaError('not-acceptable', 'join the room before inviting to it', 'modify');
    const rank = rankOf(room, from.bare);
    if (room.config.membersOnly && rank < AFFILIATION_RANK.admin && !(room.config.allowInvites && rank >= AFFILIATION_RANK.member)) {
      throw new StanzaError('forbidden', 'only admins may invite to this members-only room', 'auth');
    }
    let changed = false;
    for (const invite of invites) {
      const to = invite.attrs.to as string | undefined;
      if (!to) throw new StanzaError('bad-request', 'an invitation names whom it is for (to)');
      if (room.config.membersOnly && !room.affiliations[to]) {
        // Whoever may invite to a members-only room makes the invitee a member (XEP-0045 7.8.2).
        room.affiliations[to] = { affiliation: 'member', nick: null, reason: null };
        changed = true;
      }
      const message = new Element('message', { to, from: room.jid });
      const out = message.c('x', { xmlns: MUC_USER });
      const inv = out.c('invite', { from: from.bare });
      const reason = invite.getChildText('reason');
      if (reason) inv.c('reason').t(reason);
      if (room.config.password) out.c('password').t(room.config.password);
      message.c('x', { xmlns: CONFERENCE, jid: room.jid, ...(reason ? { reason } : {}) });
      message.c('body').t(`${from.bare} invites you to the room ${room.jid}${reason ? `: ${reason}` : ''}`);
      await this.out.route(message, room.jid);
    }
    if (changed) await this.rooms.commit(room, { stored: true });
  }
}
