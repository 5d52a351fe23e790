import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** Salted SCRAM keys for one hash; the password itself is never stored. */
export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export type ScramHash = 'sha1' | 'sha256';
export type ScramMechanism = 'SCRAM-SHA-1' | 'SCRAM-SHA-256';

export const SCRAM_HASH: Record<ScramMechanism, ScramHash> = { 'SCRAM-SHA-1': 'sha1', 'SCRAM-SHA-256': 'sha256' };
export const HASH_BYTES: Record<ScramHash, number> = { sha1: 20, sha256: 32 };
const DEFAULT_SALT_BYTES = 16;

/**
 * SASLprep (RFC 4013) is approximated by NFKC normalisation, which covers the mapping step
 * for the passwords and names people type; the prohibited-character tables are not checked.
 */
export function saslPrep(value: string): string {
  return value.normalize('NFKC');
}

export function hmac(hash: ScramHash, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function digest(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

/** The keys RFC 5802 section 3 derives from a password; the password itself is not kept. */
export function deriveScramCredential(password: string, hash: ScramHash, iterations: number, salt?: Buffer): ScramCredential {
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`SCRAM iteration count must be a positive integer (got ${iterations})`);
  }
  const usedSalt = salt ?? randomBytes(DEFAULT_SALT_BYTES);
  const saltedPassword = pbkdf2Sync(saslPrep(password), usedSalt, iterations, HASH_BYTES[hash], hash);
  return keysFromSaltedPassword(hash, saltedPassword, usedSalt, iterations);
}

/**
 * deriveScramCredential without blocking the event loop: the key stretching runs on the
 * libuv thread pool, so a burst of PLAIN logins does not stall every other session.
 */
export async function deriveScramCredentialAsync(password: string, hash: ScramHash, iterations: number, salt: Buffer): Promise<ScramCredential> {
  const saltedPassword = await pbkdf2Async(saslPrep(password), salt, iterations, HASH_BYTES[hash], hash);
  return keysFromSaltedPassword(hash, saltedPassword, salt, iterations);
}

function keysFromSaltedPassword(hash: ScramHash, saltedPassword: Buffer, usedSalt: Buffer, iterations: number): ScramCredential {
  const clientKey = hmac(hash, saltedPassword, 'Client Key');
  return {
    salt: usedSalt,
    iterations,
    storedKey: digest(hash, clientKey),
    serverKey: hmac(hash, saltedPassword, 'Server Key'),
  };
}

/** Compares two keys without leaking, through timing, where they first differ. */
export function keysEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when `password` produces the stored key of `credential`. */
export async function passwordMatchesAsync(password: string, hash: ScramHash, credential: ScramCredential): Promise<boolean> {
  const candidate = await deriveScramCredentialAsync(password, hash, credential.iterations, credential.salt);
  return keysEqual(candidate.storedKey, credential.storedKey);
}

export function passwordMatches(password: string, hash: ScramHash, credential: ScramCredential): boolean {
  const candidate = deriveScramCredential(password, hash, credential.iterations, credential.salt);
  return keysEqual(candidate.storedKey, credential.storedKey);
}
