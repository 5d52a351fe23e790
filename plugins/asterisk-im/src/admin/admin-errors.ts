import type { z } from 'zod';
import { HttpError, parseBody as parseHttpBody } from '@asterisk-im/server-core';
import { PhoneStoreError } from '../store/types';

/** Validates a request body (an absent one is `{}`); a failure is a 400 naming every field at fault, never quoting a secret. */
export function parseBody<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
  return parseHttpBody(schema, body ?? {});
}

const STATUS_OF_STORE_ERROR = { invalid: 400, 'not-found': 404, conflict: 409 } as const;
const CODE_OF_STORE_ERROR = { invalid: 'invalid-body', 'not-found': 'not-found', conflict: 'conflict' } as const;

/** Runs a store change and turns a refused change into the admin API's error shape. */
export async function storeChange<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof PhoneStoreError) {
      throw new HttpError(STATUS_OF_STORE_ERROR[error.kind], CODE_OF_STORE_ERROR[error.kind], error.message, error.field);
    }
    throw error;
  }
}

export function notFound(what: string): HttpError {
  return new HttpError(404, 'not-found', what);
}
