const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, or returns undefined for invalid bytes instead of substituting U+FFFD. */
export function decodeUtf8Strict(bytes: Buffer): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
