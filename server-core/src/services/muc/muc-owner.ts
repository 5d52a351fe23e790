import { Element } from 'ltx';
import { NS, StanzaError, type Jid } from '../../xml';
import { applyConfigForm, configForm } from './muc-forms';
import { affiliationOf, type RoomRegistry } from './muc-rooms';
import { addressed, occupantPresence, statusMessage, toEveryone, type MucOutput } from './muc-stanzas';
import { MUC_OWNER, type RoomState } from './muc-types';

/** muc#owner: the configuration form, instant and reserved rooms, destroying a room (XEP-0045 10). */
export class MucOwner {
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly out: MucOutput,
  ) {}

  async handle(iq: Element, query: Element, from: Jid, room: RoomState): Promise<Element | void> {
    if (affiliationOf(room, from.bare) !== 'owner') throw new StanzaError('forbidden', 'only owners configure a room', 'auth');
    if (iq.attrs.type === 'get') return new Element('query', { xmlns: MUC_OWNER }).cnode(configForm(room.config, this.rooms.limits.maxUsers)).root();
    const destroy = query.getChild('destroy');
    if (destroy) return this.destroy(room, destroy);
    const form = query.getChild('x', NS.DATA_FORMS);
    if (!form) throw new StanzaError('bad-request', 'send a muc#roomconfig form, or destroy');
    if (form.attrs.type === 'cancel') {
      // Cancelling the first configuration of a new room gives the room up (XEP-0045 10.1.3).
      if (room.locked) await this.destroy(room, new Element('destroy'));
      return;
    }
    if (form.attrs.type !== 'submit') throw new StanzaError('bad-request', 'the form is of type submit or cancel');
    const before = room.config;
    room.config = applyConfigForm(room.config, form, this.rooms.limits.maxUsers);
    const wasLocked = room.locked;
    room.locked = false;
    if (before.persistent && !room.config.persistent) await this.rooms.store.deleteRoom(room.jid);
    await this.rooms.commit(room, { stored: true });
    if (!wasLocked) {
      const codes = [104];
      if (before.whois !== room.config.whois) codes.push(room.config.whois === 'anyone' ? 172 : 173);
      toEveryone(this.out, room, () => statusMessage(room, codes));
    }
  }

  private async destroy(room: RoomState, destroy: Element): Promise<void> {
    const alternate = destroy.attrs.jid as string | undefined;
    const reason = destroy.getChildText('reason') ?? undefined;
    for (const occupant of room.occupants) {
      for (const jid of occupant.jids) {
        const presence = occupantPresence(room, occupant, { ...occupant, role: 'none' }, {
          unavailable: true,
          destroy: { ...(alternate ? { jid: alternate } : {}), ...(reason ? { reason } : {}) },
        });
        const item = presence.getChild('x')?.getChild('item');
        if (item) item.attrs.affiliation = 'none';
        this.out.deliver(jid, addressed(presence, jid));
      }
    }
    room.occupants = [];
    await this.rooms.destroy(room);
  }
}
