import { Element } from 'ltx';
import { NS, StanzaError, parseJid, JidError } from '../../xml';
import { ARCHIVE_ID } from './archive-id';
import type { ArchiveCriteria } from './archive-store';

/** The form fields a query may carry: XEP-0313 4.1.1, and the #extended ones. */
const FIELDS = ['FORM_TYPE', 'with', 'start', 'end', 'before-id', 'after-id', 'ids'] as const;

export interface PageLimits {
  defaultPageSize: number;
  maxPageSize: number;
}

export interface ParsedQuery {
  queryId: string | undefined;
  criteria: ArchiveCriteria;
  /** RSM `<after>`/`<before>` ids that must exist in the archive. */
  anchors: string[];
  /** #extended: the page's messages in reverse order. */
  flipPage: boolean;
}

/** The form a client fills in (the answer to a query get). */
export function queryForm(): Element {
  const query = new Element('query', { xmlns: NS.MAM });
  const form = query.c('x', { xmlns: NS.DATA_FORMS, type: 'form' });
  form.c('field', { var: 'FORM_TYPE', type: 'hidden' }).c('value').t(NS.MAM);
  form.c('field', { var: 'with', type: 'jid-single' });
  form.c('field', { var: 'start', type: 'text-single' });
  form.c('field', { var: 'end', type: 'text-single' });
  form.c('field', { var: 'before-id', type: 'text-single' });
  form.c('field', { var: 'after-id', type: 'text-single' });
  form.c('field', { var: 'ids', type: 'text-multi' });
  return query;
}

function archiveId(value: string, what: string): string {
  if (!ARCHIVE_ID.test(value)) throw new StanzaError('item-not-found', `${what} ${JSON.stringify(value)} is not in this archive`);
  return value;
}

function dateTime(value: string, field: string): number {
  // XEP-0082 date-time: a full date and time with a zone (Z or an offset).
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new StanzaError('bad-request', `field '${field}' must be an XEP-0082 date-time such as 2026-01-31T12:00:00Z (got ${JSON.stringify(value)})`);
  return ms;
}

function formValues(query: Element): Map<string, string[]> {
  const values = new Map<string, string[]>();
  const form = query.getChild('x', NS.DATA_FORMS);
  if (!form) return values;
  if (form.attrs.type !== 'submit') throw new StanzaError('bad-request', "the query form must be of type 'submit'");
  for (const field of form.getChildren('field')) {
    const name = String(field.attrs.var ?? '');
    if (!(FIELDS as readonly string[]).includes(name)) throw new StanzaError('bad-request', `this archive does not filter by '${name}'; it knows ${FIELDS.slice(1).join(', ')}`);
    values.set(name, field.getChildren('value').map((v) => v.getText().trim()));
  }
  const formType = values.get('FORM_TYPE')?.[0];
  if (formType !== undefined && formType !== NS.MAM) throw new StanzaError('bad-request', `FORM_TYPE must be ${NS.MAM}`);
  return values;
}

/** Reads a MAM `<query/>` with its form and RSM `<set/>` into page criteria for `owner`. */
export function parseQuery(query: Element, owner: string, limits: PageLimits): ParsedQuery {
  const values = formValues(query);
  const single = (name: string): string | undefined => {
    const v = values.get(name);
    return v && v.length > 0 && v[0] !== '' ? v[0] : undefined;
  };
  const anchors: string[] = [];
  const criteria: ArchiveCriteria = { owner, fromEnd: false, limit: limits.defaultPageSize };

  const withValue = single('with');
  if (withValue !== undefined) {
    try {
      const jid = parseJid(withValue);
      criteria.withJid = jid.bare;
      if (jid.resource !== null) criteria.withResource = jid.resource;
    } catch (err) {
      if (err instanceof JidError) throw new StanzaError('jid-malformed', `field 'with': ${err.message}`);
      throw err;
    }
  }
  const start = single('start');
  if (start !== undefined) criteria.startMs = dateTime(start, 'start');
  const end = single('end');
  if (end !== undefined) criteria.endMs = dateTime(end, 'end');
  const afterId = single('after-id');
  if (afterId !== undefined) criteria.afterId = archiveId(afterId, 'after-id');
  const beforeId = single('before-id');
  if (beforeId !== undefined) criteria.beforeId = archiveId(beforeId, 'before-id');
  const ids = values.get('ids')?.filter((v) => v !== '');
  if (ids && ids.length > 0) {
    if (ids.length > limits.maxPageSize) throw new StanzaError('policy-violation', `at most ${limits.maxPageSize} ids per query`);
    // Unknown ids simply match nothing, as the extension asks.
    criteria.ids = ids.filter((id) => ARCHIVE_ID.test(id));
    if (criteria.ids.length === 0) criteria.ids = ['-'];
  }

  const set = query.getChild('set', NS.RSM);
  if (set) {
    const max = set.getChildText('max');
    if (max !== null) {
      const n = Number(max.trim());
      if (!Number.isInteger(n) || n < 0) throw new StanzaError('bad-request', `<max> must be a whole number, got ${JSON.stringify(max)}`);
      criteria.limit = Math.min(n, limits.maxPageSize);
    }
    const after = set.getChildText('after');
    const before = set.getChild('before');
    if (after !== null && before !== undefined) throw new StanzaError('bad-request', 'a page is asked either <after/> or <before/> an item, not both');
    if (after !== null) {
      const id = archiveId(after.trim(), '<after>');
      criteria.afterId = criteria.afterId !== undefined && criteria.afterId > id ? criteria.afterId : id;
      anchors.push(id);
    }
    if (before !== undefined) {
      criteria.fromEnd = true;
      const text = before.getText().trim();
      if (text !== '') {
        const id = archiveId(text, '<before>');
        criteria.beforeId = criteria.beforeId !== undefined && criteria.beforeId < id ? criteria.beforeId : id;
        anchors.push(id);
      }
    }
    if (set.getChild('index') !== undefined) throw new StanzaError('feature-not-implemented', 'paging by <index> is not supported; page with <after/> and <before/>');
  }
  return { queryId: query.attrs.queryid as string | undefined, criteria, anchors, flipPage: query.getChild('flip-page') !== undefined };
}
