/** The vocabulary of XEP-0045 rooms: namespaces, affiliations, roles, a room's state. */

export const MUC = 'http://jabber.org/protocol/muc';
export const MUC_USER = 'http://jabber.org/protocol/muc#user';
export const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
export const MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
export const MUC_ROOMCONFIG = 'http://jabber.org/protocol/muc#roomconfig';
export const MUC_ROOMINFO = 'http://jabber.org/protocol/muc#roominfo';
export const OCCUPANT_ID = 'urn:xmpp:occupant-id:0';
export const CONFERENCE = 'jabber:x:conference';

export type Affiliation = 'owner' | 'admin' | 'member' | 'none' | 'outcast';
export type Role = 'moderator' | 'participant' | 'visitor' | 'none';

export const AFFILIATIONS: readonly Affiliation[] = ['owner', 'admin', 'member', 'none', 'outcast'];
export const ROLES: readonly Role[] = ['moderator', 'participant', 'visitor', 'none'];

/** Higher ranks may act on lower ones. */
export const AFFILIATION_RANK: Record<Affiliation, number> = { owner: 4, admin: 3, member: 2, none: 1, outcast: 0 };

export interface RoomConfig {
  name: string;
  description: string;
  persistent: boolean;
  public: boolean;
  membersOnly: boolean;
  moderated: boolean;
  /** Empty: no password. */
  password: string;
  /** Who sees occupants' real JIDs: moderators (semi-anonymous) or anyone (non-anonymous). */
  whois: 'moderators' | 'anyone';
  maxUsers: number;
  /** Participants (not only moderators) may change the subject. */
  changeSubject: boolean;
  /** Members (not only admins) may invite to a members-only room. */
  allowInvites: boolean;
  /** Occupants may send each other private messages. */
  allowPrivateMessages: boolean;
}

export interface AffiliationEntry {
  affiliation: Affiliation;
  /** A nickname reserved for this JID in the room. */
  nick: string | null;
  reason: string | null;
}

/** One nickname in the room; several resources of one account may share it. */
export interface Occupant {
  nick: string;
  bare: string;
  /** The real full JIDs joined under this nick. */
  jids: string[];
  role: Role;
  /** The occupant's last presence (show, status, priority, caps), without MUC payloads. */
  presence: string;
}

export interface HistoryEntry {
  stamp: number;
  nick: string;
  /** The groupchat message as the room broadcast it (from the occupant JID, no `to`). */
  xml: string;
}

export interface RoomState {
  /** The room's bare JID. */
  jid: string;
  config: RoomConfig;
  /** Created but not configured yet by its owner: nobody else may enter (XEP-0045 10.1). */
  locked: boolean;
  subject: { text: string; nick: string } | null;
  affiliations: Record<string, AffiliationEntry>;
  occupants: Occupant[];
  history: HistoryEntry[];
  /** Seeds the room's XEP-0421 occupant ids; stable for the room's life. */
  salt: string;
  createdAt: number;
}
