import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { HttpError } from './http-error';

export const MAX_BODY_BYTES = 1024 * 1024;

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
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'invalid-json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Validates a body against a schema; the error names the first bad field (dotted path). */
export function parseBody<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.');
  const message = field ? `${field}: ${issue.message}` : issue.message;
  throw new HttpError(400, 'invalid-body', message, field, {
    issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
  });
}
