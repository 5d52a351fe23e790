/**
 * JIDs (RFC 7622). Local part and domain are case-folded; full PRECIS profiles are approximated
 * with NFKC + lowercase, which covers what real clients send.
 */
export class JidError extends Error {
  readonly kind = 'jid-malformed';
  constructor(message: string) {
    super(message);
    this.name = 'JidError';
  }
}

const MAX_PART_BYTES = 1023;
const FORBIDDEN_LOCAL = /[\s"&'/:<>@\u0000-\u001f\u007f]/u;
const CONTROL = /[\u0000-\u001f\u007f]/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

export interface Jid {
  readonly local: string | null;
  readonly domain: string;
  readonly resource: string | null;
  /** local@domain, or domain */
  readonly bare: string;
  /** bare/resource, or bare when no resource */
  readonly full: string;
}

function checkLength(part: string, what: string): void {
  if (Buffer.byteLength(part, 'utf8') > MAX_PART_BYTES) throw new JidError(`${what} longer than ${MAX_PART_BYTES} bytes`);
}

export function normaliseLocal(local: string): string {
  const v = local.normalize('NFKC').toLowerCase();
  if (v.length === 0) throw new JidError('empty local part');
  if (FORBIDDEN_LOCAL.test(v)) throw new JidError(`local part "${local}" contains a forbidden character`);
  checkLength(v, 'local part');
  return v;
}

export function normaliseDomain(domain: string): string {
  let v = domain.normalize('NFKC').toLowerCase();
  if (v.endsWith('.')) v = v.slice(0, -1);
  if (v.length === 0) throw new JidError('empty domain');
  checkLength(v, 'domain');
  if (v.startsWith('[') && v.endsWith(']')) return v; // IPv6 literal
  for (const label of v.split('.')) {
    if (!DOMAIN_LABEL.test(label)) throw new JidError(`domain "${domain}" is not a valid host name`);
  }
  return v;
}

export function normaliseResource(resource: string): string {
  const v = resource.normalize('NFKC');
  if (v.length === 0) throw new JidError('empty resource');
  if (CONTROL.test(v)) throw new JidError('resource contains a control character');
  checkLength(v, 'resource');
  return v;
}

export function makeJid(local: string | null, domain: string, resource: string | null): Jid {
  const bare = local === null ? domain : `${local}@${domain}`;
  return { local, domain, resource, bare, full: resource === null ? bare : `${bare}/${resource}` };
}

/** Parses and normalises a JID; throws JidError with a reason a client can be told. */
export function parseJid(input: string): Jid {
  const slash = input.indexOf('/');
  const head = slash === -1 ? input : input.slice(0, slash);
  const resource = slash === -1 ? null : normaliseResource(input.slice(slash + 1));
  const at = head.indexOf('@');
  const local = at === -1 ? null : normaliseLocal(head.slice(0, at));
  const domain = normaliseDomain(at === -1 ? head : head.slice(at + 1));
  return makeJid(local, domain, resource);
}

/** parseJid that answers undefined instead of throwing, for optional attributes. */
export function tryParseJid(input: string | undefined): Jid | undefined {
  if (input === undefined) return undefined;
  try {
    return parseJid(input);
  } catch {
    return undefined;
  }
}

export function withResource(jid: Jid, resource: string | null): Jid {
  return makeJid(jid.local, jid.domain, resource);
}

export function bareOf(jid: string): string {
  const slash = jid.indexOf('/');
  return slash === -1 ? jid : jid.slice(0, slash);
}
