import crypto from 'node:crypto';

/** What a PUT URL is signed over: the slot and everything the upload must match. */
export interface SlotClaims {
  id: string;
  filename: string;
  size: number;
  contentType: string;
  expiresAt: number;
}

const digest = (secret: string, claims: SlotClaims): string =>
  crypto.createHmac('sha256', secret).update(JSON.stringify([claims.id, claims.filename, claims.size, claims.contentType, claims.expiresAt])).digest('base64url');

/** The token a PUT URL carries: HMAC-SHA256 over the slot's claims with the shared secret. */
export function signSlot(secret: string, claims: SlotClaims): string {
  return digest(secret, claims);
}

export function verifySlot(secret: string, claims: SlotClaims, token: string): boolean {
  const expected = Buffer.from(digest(secret, claims));
  const given = Buffer.from(token);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
