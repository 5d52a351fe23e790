/**
 * The one way zod issues become words a person can act on, for config files, plugin and module
 * configs and HTTP bodies alike: the exact key path, what was expected and what was found
 * (`listeners.c2s.port: expected a port number ..., got "abc"`), never the value of a secret.
 */
import { z } from 'zod';
import { isSecretKey } from './secret-keys';

export type KeyPath = (string | number)[];

/** Where a value came from when it was not the file, e.g. `listeners.c2s.port` → `AIM_C2S_PORT`. */
export type ValueOrigins = Map<string, string>;

export function pathToString(path: KeyPath): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}

/** One problem: where (`field` is `path` written as in the file, `servers[0].host`) and what. */
export interface Issue {
  path: KeyPath;
  field: string;
  message: string;
}

/** `prefix` is where `raw` sits in the whole (a plugin's config is at `plugins[i].config`). */
export function describeIssues(issues: z.ZodIssue[], schema: z.ZodTypeAny, raw: unknown, prefix: KeyPath = []): Issue[] {
  return issues.flatMap((issue) => describeIssue(issue, schema, raw, prefix));
}

/** Config file lines: `config error at <key> (from <env var>): <message>`. */
export function formatIssues(issues: z.ZodIssue[], schema: z.ZodTypeAny, raw: unknown, origins: ValueOrigins, prefix: KeyPath = []): string[] {
  return describeIssues(issues, schema, raw, prefix).map((issue) => lineAt(issue, origins));
}

function describeIssue(issue: z.ZodIssue, schema: z.ZodTypeAny, raw: unknown, prefix: KeyPath): Issue[] {
  if (issue.code === 'invalid_union') {
    const closest = closestUnionBranch(issue);
    if (closest) return describeIssues(closest, schema, raw, prefix);
  }
  const at = (path: KeyPath, message: string): Issue => {
    const full = [...prefix, ...path];
    return { path: full, field: pathToString(full), message };
  };
  if (issue.code === 'unrecognized_keys') {
    const allowed = knownKeysAt(schema, issue.path, raw);
    const hint = allowed.length > 0 ? ` (known keys here: ${allowed.join(', ')})` : '';
    return issue.keys.map((key) => at([...issue.path, key], `unknown key${hint}`));
  }
  const value = valueAt(raw, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) {
    return [at(issue.path, issue.message === 'Required' ? 'is required' : issue.message)];
  }
  let message = issue.message;
  if (issue.code === 'invalid_type' && message.startsWith('Expected ')) message = `expected ${issue.expected}`;
  const showValue = (issue.code !== 'custom' || issue.params?.showValue === true) && !isSecretKey(issue.path[issue.path.length - 1]);
  return [at(issue.path, showValue ? `${message}, got ${describeValue(value)}` : message)];
}

function lineAt(issue: Issue, origins: ValueOrigins): string {
  const origin = origins.get(issue.field);
  const where = issue.field ? ` at ${issue.field}${origin ? ` (from ${origin})` : ''}` : ' at the top level';
  return `config error${where}: ${issue.message}`;
}

/**
 * A union fails as a whole; the useful message is in the branch that got furthest into the
 * value (for `{ port: "abc" }` that is the settings object, not the `false` literal).
 */
function closestUnionBranch(issue: z.ZodInvalidUnionIssue): z.ZodIssue[] | undefined {
  const depth = issue.path.length;
  const deeper = issue.unionErrors.filter((error) => error.issues.some((inner) => inner.path.length > depth));
  return deeper[0]?.issues;
}

export function valueAt(raw: unknown, path: KeyPath): unknown {
  let current = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The keys an object schema accepts at `path`, to suggest the right spelling of an unknown key. */
function knownKeysAt(schema: z.ZodTypeAny, path: KeyPath, raw: unknown): string[] {
  let current: z.ZodTypeAny | undefined = schema;
  for (let index = 0; index <= path.length && current; index++) {
    current = unwrap(current, valueAt(raw, path.slice(0, index)));
    if (index === path.length) break;
    const key = path[index];
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodTypeAny>)[String(key)];
    else if (current instanceof z.ZodArray) current = current.element;
    else current = undefined;
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodTypeAny, value: unknown): z.ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current._def.innerType;
    else if (current instanceof z.ZodEffects) current = current.innerType();
    else if (current instanceof z.ZodUnion) current = (current.options as z.ZodTypeAny[]).find((option) => option instanceof z.ZodObject) ?? current.options[0];
    else if (current instanceof z.ZodDiscriminatedUnion) {
      const kind = (value as Record<string, unknown> | undefined)?.[current.discriminator];
      const option = current.optionsMap.get(kind as string);
      if (!option) return current;
      current = option;
    } else return current;
  }
}
