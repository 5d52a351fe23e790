import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Dialback keys (XEP-0185): HMAC-SHA256 keyed with SHA-256 of the secret, over
 * "{Receiving Server} {Originating Server} {Stream ID}", in lowercase hex. Only the server that
 * knows the secret (the authoritative one) can make or confirm a key.
 */
export class DialbackKeys {
  private readonly hashedSecret: Buffer;

  constructor(secret: string) {
    this.hashedSecret = createHash('sha256').update(secret).digest();
  }

  make(receiving: string, originating: string, streamId: string): string {
    return createHmac('sha256', this.hashedSecret).update(`${receiving} ${originating} ${streamId}`).digest('hex');
  }

  verify(receiving: string, originating: string, streamId: string, key: string): boolean {
    const expected = Buffer.from(this.make(receiving, originating, streamId));
    const given = Buffer.from(key.trim().toLowerCase());
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
