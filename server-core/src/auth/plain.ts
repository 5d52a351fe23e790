import { decodeUtf8Strict } from './utf8';
import { saslError } from './sasl-failure';
import type { SaslError } from './sasl-failure';

/** The three fields of a PLAIN message (RFC 4616): [authzid] NUL authcid NUL passwd. */
export interface PlainCredentials {
  authzid: string | undefined;
  authcid: string;
  password: string;
}

// RFC 4616 allows 255 octets per field; a little slack keeps odd-but-honest clients working.
const MAX_FIELD_BYTES = 1024;

export function parsePlainMessage(message: Buffer): PlainCredentials | SaslError {
  const text = decodeUtf8Strict(message);
  if (text === undefined) return saslError('incorrect-encoding', 'PLAIN message is not valid UTF-8');
  const fields = text.split('\u0000');
  if (fields.length !== 3) return saslError('malformed-request', 'PLAIN message must be authzid NUL authcid NUL password');
  const [authzid, authcid, password] = fields;
  if (authcid === '') return saslError('malformed-request', 'PLAIN authentication identity is empty');
  if (password === '') return saslError('malformed-request', 'PLAIN password is empty');
  if (fields.some((field) => Buffer.byteLength(field, 'utf8') > MAX_FIELD_BYTES)) {
    return saslError('malformed-request', `PLAIN fields must be at most ${MAX_FIELD_BYTES} bytes`);
  }
  return { authzid: authzid === '' ? undefined : authzid, authcid, password };
}
