import { createHash } from 'node:crypto';
import type { Element } from 'ltx';
import { NS } from '../../xml';

/** IANA names a `<c hash>` may carry that this server verifies, with their node:crypto names. */
const HASHES = new Map([
  ['sha-1', 'sha1'],
  ['sha-224', 'sha224'],
  ['sha-256', 'sha256'],
  ['sha-384', 'sha384'],
  ['sha-512', 'sha512'],
]);

/**
 * Bounds on one disco#info answer. A real client shows a few identities and well under a
 * hundred features; the features of every verified ver are replicated to every node, so an
 * answer beyond these is refused rather than kept.
 */
export const MAX_IDENTITIES = 32;
export const MAX_FEATURES = 512;
export const MAX_FORMS = 8;
/** Characters of every name, feature and form value of an answer together. */
export const MAX_ANSWER_CHARS = 32 * 1024;

/** An answer XEP-0115 section 5.4 calls ill-formed, or one beyond the bounds above. */
export class IllFormedAnswer extends Error {}

export interface DiscoIdentity {
  category: string;
  type: string;
  lang: string;
  name: string;
}

export interface DiscoForm {
  formType: string;
  fields: Array<{ var: string; values: string[] }>;
}

/** What a disco#info answer says, as far as the verification string needs it. */
export interface DiscoInfo {
  identities: DiscoIdentity[];
  features: string[];
  forms: DiscoForm[];
}

export function isVerifiableHash(hash: string): boolean {
  return HASHES.has(hash);
}

/** The identities, features and XEP-0128 forms of a disco#info `<query/>`, checked as section 5.4 asks. */
export function readDiscoInfo(query: Element): DiscoInfo {
  let budget = MAX_ANSWER_CHARS;
  const text = (value: unknown): string => {
    const s = typeof value === 'string' ? value : '';
    budget -= s.length;
    if (budget < 0) throw new IllFormedAnswer(`the answer holds more than ${MAX_ANSWER_CHARS} characters`);
    return s;
  };
  const info: DiscoInfo = { identities: [], features: [], forms: [] };
  const identities = new Set<string>();
  const features = new Set<string>();
  const formTypes = new Set<string>();
  for (const child of query.getChildElements()) {
    if (child.is('identity', NS.DISCO_INFO)) {
      const identity = { category: text(child.attrs.category), type: text(child.attrs.type), lang: text(child.attrs['xml:lang']), name: text(child.attrs.name) };
      const id = JSON.stringify(identity);
      if (identities.has(id)) throw new IllFormedAnswer('an identity appears twice');
      identities.add(id);
      if (identities.size > MAX_IDENTITIES) throw new IllFormedAnswer(`more than ${MAX_IDENTITIES} identities`);
      info.identities.push(identity);
    } else if (child.is('feature', NS.DISCO_INFO)) {
      const feature = text(child.attrs.var);
      if (features.has(feature)) throw new IllFormedAnswer(`the feature ${feature} appears twice`);
      features.add(feature);
      if (features.size > MAX_FEATURES) throw new IllFormedAnswer(`more than ${MAX_FEATURES} features`);
      info.features.push(feature);
    } else if (child.is('x', NS.DATA_FORMS)) {
      const form = readForm(child, text);
      if (!form) continue;
      if (formTypes.has(form.formType)) throw new IllFormedAnswer(`two forms of type ${form.formType}`);
      formTypes.add(form.formType);
      if (formTypes.size > MAX_FORMS) throw new IllFormedAnswer(`more than ${MAX_FORMS} forms`);
      info.forms.push(form);
    }
  }
  return info;
}

/** A form without a hidden FORM_TYPE does not count (section 5.4); undefined then. */
function readForm(x: Element, text: (value: unknown) => string): DiscoForm | undefined {
  const fields = x.getChildren('field');
  const formTypeField = fields.find((field) => field.attrs.var === 'FORM_TYPE');
  if (!formTypeField || formTypeField.attrs.type !== 'hidden') return undefined;
  const formTypes = new Set(formTypeField.getChildren('value').map((value) => value.getText()));
  if (formTypes.size > 1) throw new IllFormedAnswer('a FORM_TYPE with several values');
  if (formTypes.size === 0) return undefined;
  return {
    formType: text([...formTypes][0]),
    fields: fields
      .filter((field) => field !== formTypeField)
      .map((field) => ({ var: text(field.attrs.var), values: field.getChildren('value').map((value) => text(value.getText())) })),
  };
}

/** Byte order of the UTF-8 encodings: the "i;octet" collation XEP-0115 sorts with. */
export function compareOctets(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compareIdentities(a: DiscoIdentity, b: DiscoIdentity): number {
  return compareOctets(a.category, b.category) || compareOctets(a.type, b.type) || compareOctets(a.lang, b.lang) || compareOctets(a.name, b.name);
}

/** The string S of XEP-0115 section 5.1 that the `ver` is the hash of. */
export function verificationString(info: DiscoInfo): string {
  const parts: string[] = [];
  for (const id of [...info.identities].sort(compareIdentities)) parts.push(`${id.category}/${id.type}/${id.lang}/${id.name}`);
  parts.push(...[...info.features].sort(compareOctets));
  for (const form of [...info.forms].sort((a, b) => compareOctets(a.formType, b.formType))) {
    parts.push(form.formType);
    for (const field of [...form.fields].sort((a, b) => compareOctets(a.var, b.var))) {
      parts.push(field.var, ...[...field.values].sort(compareOctets));
    }
  }
  return parts.map((part) => `${part}<`).join('');
}

/** The base64 `ver` of `input` under an IANA hash name `isVerifiableHash` accepts. */
export function capsHash(hash: string, input: string): string {
  const algorithm = HASHES.get(hash);
  if (!algorithm) throw new Error(`unsupported caps hash ${hash}`);
  return createHash(algorithm).update(input, 'utf8').digest('base64');
}

