/**
 * UTF-8 to text for one connection, refusing what is not UTF-8 (RFC 6120 11.6) instead of
 * replacing it with U+FFFD as `socket.setEncoding('utf8')` would. A character split across two
 * reads is kept until its last byte arrives.
 */
export class Utf8Decoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

  /** The text of `bytes`, or undefined when they are not valid UTF-8 (the connection must then end). */
  decode(bytes: Uint8Array, final = false): string | undefined {
    try {
      return this.decoder.decode(bytes, { stream: !final });
    } catch {
      return undefined;
    }
  }
}
