import type { z } from 'zod';
import { HttpError } from '@asterisk-im/server-core';
import { PhoneStoreError } from '../store/types';
import { describeZodError } from '../store/validation';

/** Validates a request body; a failure is a 400 naming the first field at fault (never echoing values). */
export function parseBody<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const { field, message } = describeZodError(result.error);
  throw new HttpError(400, 'invalid-body', message, field);
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
