import { createHmac, randomBytes } from 'node:crypto';
import { authzidAllowed } from './authzid';
import { digest, HASH_BYTES, hmac, keysEqual, saslPrep, SCRAM_HASH } from './scram-credentials';
import type { ScramCredential, ScramHash, ScramMechanism } from './scram-credentials';
import { parseClientFinal, parseClientFirst } from './scram-messages';
import type { ClientFirst } from './scram-messages';
import { saslError } from './sasl-failure';
import type { SaslError } from './sasl-failure';
import { decodeUtf8Strict } from './utf8';

export interface ScramServerOptions {
  mechanism: ScramMechanism;
  /** The stored credential for this mechanism, or undefined when the user does not exist. */
  lookup: (username: string) => Promise<ScramCredential | undefined>;
  /** The server's domain; an authzid is accepted only when it is the user's own bare JID. */
  domain?: string;
  /** Iterations shown for unknown users, to match real accounts. Default 4096. */
  decoyIterations?: number;
  /** Server nonce part; replaceable so fixed test vectors can be replayed. */
  createNonce?: () => string;
}

const MAX_MESSAGE_BYTES = 4096;
const DEFAULT_DECOY_ITERATIONS = 4096;
// Decoy salts are derived from the username with this per-process key, so an unknown user
// always gets the same salt (as a real one would) and nobody can tell the two apart.
const DECOY_KEY = randomBytes(32);

function randomNonce(): string {
  return randomBytes(24).toString('base64');
}

// Random keys suffice because the exchange refuses unknown users whatever the proof; no key
// derivation happens here, so an unknown name answers as fast as a known one.
function decoyCredential(hash: ScramHash, username: string, iterations: number): ScramCredential {
  const salt = createHmac('sha256', DECOY_KEY).update(username).digest().subarray(0, 16);
  return { salt, iterations, storedKey: randomBytes(HASH_BYTES[hash]), serverKey: randomBytes(HASH_BYTES[hash]) };
}

interface AwaitingFinal {
  username: string;
  known: boolean;
  credential: ScramCredential;
  gs2Header: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
}

function readMessage(message: Buffer): string | SaslError {
  if (!Buffer.isBuffer(message) || message.length === 0) return saslError('malformed-request', 'empty SCRAM message');
  if (message.length > MAX_MESSAGE_BYTES) return saslError('malformed-request', `SCRAM message longer than ${MAX_MESSAGE_BYTES} bytes`);
  const text = decodeUtf8Strict(message);
  if (text === undefined) return saslError('incorrect-encoding', 'SCRAM message is not valid UTF-8');
  if (text.includes('\u0000')) return saslError('malformed-request', 'SCRAM message contains NUL');
  return text;
}

/**
 * One server-side SCRAM-SHA-1 or SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without
 * channel binding: the -PLUS variants are not offered, so a client asking for binding
 * ('p=') is refused, and 'y' is accepted because no -PLUS was advertised to downgrade from.
 */
export class ScramServerExchange {
  private readonly hash: ScramHash;
  private state: 'initial' | 'awaiting-final' | 'done' = 'initial';
  private pending: AwaitingFinal | undefined;

  constructor(private readonly options: ScramServerOptions) {
    if (!(options.mechanism in SCRAM_HASH)) throw new RangeError(`unsupported SCRAM mechanism ${options.mechanism}`);
    this.hash = SCRAM_HASH[options.mechanism];
  }

  get mechanism(): ScramMechanism {
    return this.options.mechanism;
  }

  async start(clientFirst: Buffer): Promise<{ challenge: Buffer } | SaslError> {
    if (this.state !== 'initial') return this.fail(saslError('malformed-request', 'SCRAM exchange already started'));
    const text = readMessage(clientFirst);
    if (typeof text !== 'string') return this.fail(text);
    const parsed = parseClientFirst(text);
    if (!parsed) return this.fail(saslError('malformed-request', 'malformed SCRAM client-first-message'));
    const username = saslPrep(parsed.username);
    const refused = this.refuseClientFirst(parsed, username);
    if (refused) return this.fail(refused);

    let stored: ScramCredential | undefined;
    try {
      stored = await this.options.lookup(username);
    } catch {
      return this.fail(saslError('temporary-auth-failure', 'credential lookup failed'));
    }
    const credential = stored ?? decoyCredential(this.hash, username, this.options.decoyIterations ?? DEFAULT_DECOY_ITERATIONS);
    const nonce = parsed.clientNonce + (this.options.createNonce ?? randomNonce)();
    const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.pending = {
      username,
      known: stored !== undefined,
      credential,
      gs2Header: parsed.gs2Header,
      clientFirstBare: parsed.bare,
      serverFirst,
      nonce,
    };
    this.state = 'awaiting-final';
    return { challenge: Buffer.from(serverFirst, 'utf8') };
  }

  finish(clientFinal: Buffer): { success: Buffer; username: string } | SaslError {
    const pending = this.pending;
    if (this.state !== 'awaiting-final' || !pending) return this.fail(saslError('malformed-request', 'SCRAM exchange not awaiting a final message'));
    const text = readMessage(clientFinal);
    if (typeof text !== 'string') return this.fail(text);
    const parsed = parseClientFinal(text);
    if (!parsed) return this.fail(saslError('malformed-request', 'malformed SCRAM client-final-message'));
    if (Buffer.from(parsed.channelBindingData, 'base64').toString('utf8') !== pending.gs2Header) {
      return this.fail(saslError('malformed-request', 'channel binding data does not match the gs2 header'));
    }
    if (parsed.nonce !== pending.nonce) return this.fail(saslError('malformed-request', 'nonce does not match'));

    const authMessage = `${pending.clientFirstBare},${pending.serverFirst},${parsed.withoutProof}`;
    const { storedKey, serverKey } = pending.credential;
    const clientSignature = hmac(this.hash, storedKey, authMessage);
    if (parsed.proof.length !== clientSignature.length) return this.fail(saslError('not-authorized'));
    const clientKey = Buffer.alloc(clientSignature.length);
    for (let i = 0; i < clientKey.length; i += 1) clientKey[i] = parsed.proof[i] ^ clientSignature[i];
    const proofValid = keysEqual(digest(this.hash, clientKey), storedKey);
    if (!proofValid || !pending.known) return this.fail(saslError('not-authorized'));

    this.state = 'done';
    this.pending = undefined;
    const serverSignature = hmac(this.hash, serverKey, authMessage).toString('base64');
    return { success: Buffer.from(`v=${serverSignature}`, 'utf8'), username: pending.username };
  }

  private refuseClientFirst(parsed: ClientFirst, username: string): SaslError | undefined {
    if (parsed.channelBinding === 'p') {
      return saslError('invalid-mechanism', `channel binding is not supported; use ${this.options.mechanism} without -PLUS`);
    }
    if (!authzidAllowed(parsed.authzid, username, this.options.domain)) {
      return saslError('invalid-authzid', 'a user may only authorise as their own JID');
    }
    return undefined;
  }

  private fail(error: SaslError): SaslError {
    this.state = 'done';
    this.pending = undefined;
    return error;
  }
}
