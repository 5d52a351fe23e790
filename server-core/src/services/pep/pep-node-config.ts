import { Element } from 'ltx';
import { NS, StanzaError } from '../../xml';
import type { PepAccessModel, PepNodeConfig, PepSendLast } from '../../core/pep-api';
import { pubsubError } from './pep-errors';
import { NODE_CONFIG_FORM, PUBLISH_OPTIONS_FORM } from './pep-namespaces';

/** A node created by a plain publish: what XEP-0163 section 4.1 describes for PEP nodes. */
export const DEFAULT_NODE_CONFIG: PepNodeConfig = {
  accessModel: 'presence',
  maxItems: 1,
  persistItems: true,
  sendLastPublishedItem: 'on_sub_and_presence',
  notifyRetract: true,
  title: '',
  rosterGroupsAllowed: [],
};

const ACCESS_MODELS: readonly PepAccessModel[] = ['open', 'presence', 'roster', 'whitelist'];
const SEND_LAST: readonly PepSendLast[] = ['never', 'on_sub', 'on_sub_and_presence'];

/** Fields clients send that this service does not vary: accepted when they ask for what it does. */
const FIXED_FIELDS: Readonly<Record<string, string>> = {
  'pubsub#deliver_payloads': 'true',
  'pubsub#deliver_notifications': 'true',
  'pubsub#presence_based_delivery': 'false',
  'pubsub#publish_model': 'publishers',
  'pubsub#node_type': 'leaf',
};

/** The fields of a submitted data form, by var, each with its values. */
export function formFields(form: Element): Map<string, string[]> {
  return new Map(form.getChildren('field').map((field) => [String(field.attrs.var), field.getChildren('value').map((value) => value.getText())]));
}

/** The `jabber:x:data` form in `parent` of the given FORM_TYPE, or undefined when there is none. */
export function submittedForm(parent: Element | undefined, formType: string): Map<string, string[]> | undefined {
  const form = parent?.getChild('x', NS.DATA_FORMS);
  if (!form) return undefined;
  if (form.attrs.type === 'cancel') return undefined;
  const fields = formFields(form);
  const type = fields.get('FORM_TYPE')?.[0];
  if (type !== undefined && type !== formType) throw new StanzaError('bad-request', `expected a ${formType} form, got ${type}`);
  fields.delete('FORM_TYPE');
  return fields;
}

/**
 * Turns submitted fields into a partial configuration. A value this service cannot honour is a
 * `not-acceptable` error naming the field; fields it does not know are ignored (XEP-0060 lets a
 * service keep to the options it supports) and returned for the caller to log.
 */
export function parseConfigFields(fields: Map<string, string[]>, maxItemsLimit: number): { config: Partial<PepNodeConfig>; ignored: string[] } {
  const config: Partial<PepNodeConfig> = {};
  const ignored: string[] = [];
  for (const [name, values] of fields) {
    const value = values[0] ?? '';
    switch (name) {
      case 'pubsub#access_model':
        if (!(ACCESS_MODELS as readonly string[]).includes(value)) throw invalid(name, value, `one of ${ACCESS_MODELS.join(', ')}`);
        config.accessModel = value as PepAccessModel;
        break;
      case 'pubsub#max_items':
        config.maxItems = parseMaxItems(value, maxItemsLimit);
        break;
      case 'pubsub#persist_items':
        config.persistItems = parseBoolean(name, value);
        break;
      case 'pubsub#notify_retract':
        config.notifyRetract = parseBoolean(name, value);
        break;
      case 'pubsub#send_last_published_item':
        if (!(SEND_LAST as readonly string[]).includes(value)) throw invalid(name, value, `one of ${SEND_LAST.join(', ')}`);
        config.sendLastPublishedItem = value as PepSendLast;
        break;
      case 'pubsub#title':
        if (value.length > 256) throw invalid(name, `${value.length} characters`, 'at most 256 characters');
        config.title = value;
        break;
      case 'pubsub#roster_groups_allowed':
        config.rosterGroupsAllowed = [...new Set(values)];
        break;
      default:
        if (name in FIXED_FIELDS) {
          if (normalise(name, value) !== FIXED_FIELDS[name]) throw invalid(name, value, FIXED_FIELDS[name]!);
        } else {
          ignored.push(name);
        }
    }
  }
  return { config, ignored };
}

/**
 * XEP-0060 section 7.1.5: publish-options are preconditions on an existing node. The first
 * field whose value differs from the node's configuration, or undefined when all match.
 */
export function unmetPrecondition(wanted: Partial<PepNodeConfig>, actual: PepNodeConfig): { field: string; wanted: string; actual: string } | undefined {
  for (const key of Object.keys(wanted) as (keyof PepNodeConfig)[]) {
    const want = JSON.stringify(wanted[key]);
    const have = JSON.stringify(actual[key]);
    if (want !== have) return { field: FIELD_OF[key], wanted: String(wanted[key]), actual: String(actual[key]) };
  }
  return undefined;
}

/** The publish-options form as a partial configuration (see parseConfigFields). */
export function parsePublishOptions(options: Element | undefined, maxItemsLimit: number): { config: Partial<PepNodeConfig>; ignored: string[] } {
  const fields = submittedForm(options, PUBLISH_OPTIONS_FORM);
  return fields ? parseConfigFields(fields, maxItemsLimit) : { config: {}, ignored: [] };
}

/** The node_config form of XEP-0060 section 8.2 for a configuration, as the owner sees it. */
export function configForm(config: PepNodeConfig, type: 'form' | 'result' = 'form'): Element {
  const form = new Element('x', { xmlns: NS.DATA_FORMS, type });
  form.c('field', { var: 'FORM_TYPE', type: 'hidden' }).c('value').t(NODE_CONFIG_FORM);
  const listSingle = (name: string, label: string, value: string, options: readonly string[]): void => {
    const field = form.c('field', { var: name, type: 'list-single', label });
    field.c('value').t(value);
    for (const option of options) field.c('option').c('value').t(option);
  };
  listSingle('pubsub#access_model', 'Who may read the items', config.accessModel, ACCESS_MODELS);
  form.c('field', { var: 'pubsub#max_items', type: 'text-single', label: 'How many items the node keeps' }).c('value').t(String(config.maxItems));
  form.c('field', { var: 'pubsub#persist_items', type: 'boolean', label: 'Keep items' }).c('value').t(config.persistItems ? '1' : '0');
  listSingle('pubsub#send_last_published_item', 'When to send the newest item', config.sendLastPublishedItem, SEND_LAST);
  form.c('field', { var: 'pubsub#notify_retract', type: 'boolean', label: 'Notify when items are retracted' }).c('value').t(config.notifyRetract ? '1' : '0');
  form.c('field', { var: 'pubsub#title', type: 'text-single', label: 'Title' }).c('value').t(config.title);
  const groups = form.c('field', { var: 'pubsub#roster_groups_allowed', type: 'list-multi', label: 'Roster groups that may read (roster access model)' });
  for (const group of config.rosterGroupsAllowed) groups.c('value').t(group);
  form.c('field', { var: 'pubsub#deliver_payloads', type: 'boolean' }).c('value').t('1');
  form.c('field', { var: 'pubsub#publish_model', type: 'list-single' }).c('value').t('publishers');
  return form;
}

/** The number of items a node of this configuration keeps. */
export function itemsKept(config: PepNodeConfig, maxItemsLimit: number): number {
  if (!config.persistItems) return 1;
  return config.maxItems === 'max' ? maxItemsLimit : Math.min(config.maxItems, maxItemsLimit);
}

const FIELD_OF: Record<keyof PepNodeConfig, string> = {
  accessModel: 'pubsub#access_model',
  maxItems: 'pubsub#max_items',
  persistItems: 'pubsub#persist_items',
  sendLastPublishedItem: 'pubsub#send_last_published_item',
  notifyRetract: 'pubsub#notify_retract',
  title: 'pubsub#title',
  rosterGroupsAllowed: 'pubsub#roster_groups_allowed',
};

function parseMaxItems(value: string, limit: number): number | 'max' {
  if (value === 'max') return 'max';
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw invalid('pubsub#max_items', value, `a number from 1 to ${limit}, or max`);
  const count = Number(value);
  if (count > limit) throw pubsubError('not-acceptable', 'invalid-options', `pubsub#max_items is at most ${limit} here (or max), not ${value}`);
  return count;
}

function parseBoolean(name: string, value: string): boolean {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw invalid(name, value, 'a boolean (1, 0, true or false)');
}

function normalise(name: string, value: string): string {
  if (FIXED_FIELDS[name] === 'true' || FIXED_FIELDS[name] === 'false') return value === '1' || value === 'true' ? 'true' : 'false';
  return value;
}

function invalid(field: string, value: string, expected: string): StanzaError {
  return pubsubError('not-acceptable', 'invalid-options', `${field} must be ${expected}, not '${value}'`);
}
