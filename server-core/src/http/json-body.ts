import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { HttpError } from './http-error';
import { describeIssues } from '../config/format-issues';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Deeper bodies are refused before parsing: no admin body needs more, and deep values overflow the stack of whatever walks them. */
export const MAX_JSON_DEPTH = 64;

/** Reads a JSON request body (undefined when empty), refusing oversized or malformed ones. */
export async function readJsonBody(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, 'body-too-large', `the request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  const type = String(request.headers['content-type'] ?? 'application/json');
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'unsupported-media-type', 'send the body as application/json');
  const depth = jsonDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) throw new HttpError(400, 'too-deep', `the body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'invalid-json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The deepest nesting of `[` and `{` outside strings, counted up to `stopAbove + 1`. Runs on
 * the raw text so a hostile body is refused before anything recursive touches it.
 */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > stopAbove) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Validates a body against a schema; the error names the first bad field (dotted path). */
export function parseBody<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error.issues, schema, body).map(({ field, message }) => ({ field, message }));
  const [{ field, message }] = issues;
  throw new HttpError(400, 'invalid-body', field ? `${field}: ${message}` : message, field, { issues });
}
