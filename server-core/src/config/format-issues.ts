/**
 * Turns zod issues into lines a person can act on: the exact key path, what was expected and
 * what was found, e.g. `config error at listeners.c2s.port: expected a port number ..., got "abc"`.
 */
import { z } from 'zod';

export type KeyPath = (string | number)[];

/** Where a value came from when it was not the file, e.g. `listeners.c2s.port` → `AIM_C2S_PORT`. */
export type ValueOrigins = Map<string, string>;

export function pathToString(path: KeyPath): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}

/** `prefix` is where `raw` sits in the whole file (a plugin's config is at `plugins[i].config`). */
export function formatIssues(issues: z.ZodIssue[], schema: z.ZodTypeAny, raw: unknown, origins: ValueOrigins, prefix: KeyPath = []): string[] {
  return issues.flatMap((issue) => formatIssue(issue, schema, raw, origins, prefix));
}

function formatIssue(issue: z.ZodIssue, schema: z.ZodTypeAny, raw: unknown, origins: ValueOrigins, prefix: KeyPath): string[] {
  if (issue.code === 'invalid_union') {
    const closest = closestUnionBranch(issue);
    if (closest) return formatIssues(closest, schema, raw, origins, prefix);
  }
  const line = (path: KeyPath, origins: ValueOrigins, message: string) => lineAt([...prefix, ...path], origins, message);
  if (issue.code === 'unrecognized_keys') {
    const allowed = knownKeysAt(schema, issue.path, raw);
    const hint = allowed.length > 0 ? ` (known keys here: ${allowed.join(', ')})` : '';
    return issue.keys.map((key) => line([...issue.path, key], origins, `unknown key${hint}`));
  }
  const value = valueAt(raw, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) {
    return [line(issue.path, origins, issue.message === 'Required' ? 'is required' : issue.message)];
  }
  let message = issue.message;
  if (issue.code === 'invalid_type' && message.startsWith('Expected ')) message = `expected ${issue.expected}`;
  const showValue = issue.code !== 'custom' || issue.params?.showValue === true;
  return [line(issue.path, origins, showValue ? `${message}, got ${describeValue(value)}` : message)];
}

function lineAt(path: KeyPath, origins: ValueOrigins, message: string): string {
  const key = pathToString(path);
  const origin = origins.get(key);
  const where = key ? ` at ${key}${origin ? ` (from ${origin})` : ''}` : ' at the top level';
  return `config error${where}: ${message}`;
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
