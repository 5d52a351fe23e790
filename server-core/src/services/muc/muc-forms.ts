import { Element } from 'ltx';
import { NS, StanzaError } from '../../xml';
import { MUC_ROOMCONFIG, MUC_ROOMINFO, type RoomConfig, type RoomState } from './muc-types';

type FieldKind = 'text-single' | 'text-private' | 'boolean' | 'list-single';

interface FieldSpec {
  key: keyof RoomConfig;
  var: string;
  label: string;
  kind: FieldKind;
  options?: readonly string[];
}

/** The muc#roomconfig fields this service understands; others in a submission are ignored. */
const FIELDS: readonly FieldSpec[] = [
  { key: 'name', var: 'muc#roomconfig_roomname', label: 'Room name', kind: 'text-single' },
  { key: 'description', var: 'muc#roomconfig_roomdesc', label: 'Description', kind: 'text-single' },
  { key: 'persistent', var: 'muc#roomconfig_persistentroom', label: 'Keep the room when the last occupant leaves', kind: 'boolean' },
  { key: 'public', var: 'muc#roomconfig_publicroom', label: 'List the room in the directory', kind: 'boolean' },
  { key: 'membersOnly', var: 'muc#roomconfig_membersonly', label: 'Only members may enter', kind: 'boolean' },
  { key: 'moderated', var: 'muc#roomconfig_moderatedroom', label: 'Only occupants with voice may speak', kind: 'boolean' },
  { key: 'password', var: 'muc#roomconfig_roomsecret', label: 'Password', kind: 'text-private' },
  { key: 'whois', var: 'muc#roomconfig_whois', label: 'Who may see real JIDs', kind: 'list-single', options: ['moderators', 'anyone'] },
  { key: 'maxUsers', var: 'muc#roomconfig_maxusers', label: 'Most occupants', kind: 'text-single' },
  { key: 'changeSubject', var: 'muc#roomconfig_changesubject', label: 'Participants may change the subject', kind: 'boolean' },
  { key: 'allowInvites', var: 'muc#roomconfig_allowinvites', label: 'Members may invite others', kind: 'boolean' },
  { key: 'allowPrivateMessages', var: 'muc#roomconfig_allowpm', label: 'Occupants may send private messages', kind: 'list-single', options: ['anyone', 'none'] },
];
const PASSWORD_PROTECTED = 'muc#roomconfig_passwordprotectedroom';

function valueOf(config: RoomConfig, field: FieldSpec): string {
  const value = config[field.key];
  if (field.key === 'allowPrivateMessages') return value ? 'anyone' : 'none';
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** The owner's configuration form (muc#owner get), filled with the room's current settings. */
export function configForm(config: RoomConfig, maxUsersLimit: number): Element {
  const form = new Element('x', { xmlns: NS.DATA_FORMS, type: 'form' });
  form.c('title').t('Room configuration');
  form.c('field', { var: 'FORM_TYPE', type: 'hidden' }).c('value').t(MUC_ROOMCONFIG);
  for (const field of FIELDS) {
    const el = form.c('field', { var: field.var, type: field.kind, label: field.label });
    for (const option of field.options ?? []) el.c('option', { label: option }).c('value').t(option);
    if (field.key === 'maxUsers') el.attrs.label = `Most occupants (at most ${maxUsersLimit})`;
    el.c('value').t(valueOf(config, field));
    if (field.key === 'moderated') {
      form.c('field', { var: PASSWORD_PROTECTED, type: 'boolean', label: 'Password protected' }).c('value').t(config.password ? '1' : '0');
    }
  }
  return form;
}

function parseBoolean(name: string, raw: string): boolean {
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new StanzaError('not-acceptable', `${name} must be 1, 0, true or false, got "${raw}"`);
}

/** Applies a submitted muc#roomconfig form to a copy of `config`; refuses values out of range. */
export function applyConfigForm(config: RoomConfig, form: Element, maxUsersLimit: number): RoomConfig {
  const next: RoomConfig = { ...config };
  const fields = new Map<string, string[]>();
  for (const field of form.getChildren('field')) {
    const name = field.attrs.var as string | undefined;
    if (name) fields.set(name, field.getChildren('value').map((v) => v.getText()));
  }
  const formType = fields.get('FORM_TYPE')?.[0];
  if (formType !== undefined && formType !== MUC_ROOMCONFIG) throw new StanzaError('not-acceptable', `FORM_TYPE must be ${MUC_ROOMCONFIG}`);
  for (const field of FIELDS) {
    const values = fields.get(field.var);
    if (values === undefined) continue;
    const raw = values[0] ?? '';
    switch (field.key) {
      case 'name':
      case 'description':
      case 'password':
        if (raw.length > 1000) throw new StanzaError('not-acceptable', `${field.var} must be at most 1000 characters`);
        next[field.key] = raw;
        break;
      case 'whois':
        if (raw !== 'moderators' && raw !== 'anyone') throw new StanzaError('not-acceptable', `${field.var} must be moderators or anyone, got "${raw}"`);
        next.whois = raw;
        break;
      case 'maxUsers': {
        const n = raw === 'none' || raw === '' ? maxUsersLimit : Number(raw);
        if (!Number.isInteger(n) || n < 1) throw new StanzaError('not-acceptable', `${field.var} must be a positive whole number, got "${raw}"`);
        next.maxUsers = Math.min(n, maxUsersLimit);
        break;
      }
      case 'allowPrivateMessages':
        next.allowPrivateMessages = raw !== 'none' && raw !== '0' && raw !== 'false';
        break;
      default:
        next[field.key] = parseBoolean(field.var, raw);
    }
  }
  const protectedValue = fields.get(PASSWORD_PROTECTED)?.[0];
  if (protectedValue !== undefined && !parseBoolean(PASSWORD_PROTECTED, protectedValue)) next.password = '';
  if (protectedValue !== undefined && parseBoolean(PASSWORD_PROTECTED, protectedValue) && !next.password) {
    throw new StanzaError('not-acceptable', `${PASSWORD_PROTECTED} needs a muc#roomconfig_roomsecret`);
  }
  return next;
}

/** The disco#info features that describe a room (XEP-0045 6.4). */
export function roomFeatures(config: RoomConfig): string[] {
  return [
    config.persistent ? 'muc_persistent' : 'muc_temporary',
    config.public ? 'muc_public' : 'muc_hidden',
    config.membersOnly ? 'muc_membersonly' : 'muc_open',
    config.moderated ? 'muc_moderated' : 'muc_unmoderated',
    config.password ? 'muc_passwordprotected' : 'muc_unsecured',
    config.whois === 'anyone' ? 'muc_nonanonymous' : 'muc_semianonymous',
  ];
}

/** The muc#roominfo extension of a room's disco#info. */
export function roomInfoForm(room: RoomState): Element {
  const form = new Element('x', { xmlns: NS.DATA_FORMS, type: 'result' });
  const field = (name: string, value: string, label: string) => form.c('field', { var: name, label }).c('value').t(value);
  form.c('field', { var: 'FORM_TYPE', type: 'hidden' }).c('value').t(MUC_ROOMINFO);
  field('muc#roominfo_description', room.config.description, 'Description');
  field('muc#roominfo_occupants', String(room.occupants.length), 'Number of occupants');
  field('muc#roominfo_subject', room.subject?.text ?? '', 'Subject');
  field('muc#roomconfig_changesubject', room.config.changeSubject ? '1' : '0', 'Participants may change the subject');
  return form;
}
