import { setTimeout as delay } from 'node:timers/promises';
import { ScramServerExchange, parsePlainMessage, authzidAllowed, type ScramMechanism, type LoginThrottle, type ThrottleVerdict } from '../auth';
import type { AccountStore } from '../storage/stores';
import type { AggregatedWarnings } from '../log';
import type { SaslAuthenticator, SaslExchange, SaslStep } from '../stream';
import { normaliseLocal, JidError } from '../xml';

export interface SaslAuthenticatorOptions {
  domain: string;
  accounts: AccountStore;
  allowPlainWithoutTls: boolean;
  /** Delay before a failure is answered, to slow password guessing. */
  failureDelayMs: number;
  throttle: LoginThrottle;
  /** Refused logins, which a guesser repeats at will. */
  warnings: AggregatedWarnings;
}

const SCRAM_MECHANISMS: ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-1'];

/** SCRAM-SHA-256, SCRAM-SHA-1 and (under TLS only, unless configured otherwise) PLAIN over the account store. */
export function createSaslAuthenticator(options: SaslAuthenticatorOptions): SaslAuthenticator {
  return {
    mechanisms(secure) {
      return secure || options.allowPlainWithoutTls ? [...SCRAM_MECHANISMS, 'PLAIN'] : [...SCRAM_MECHANISMS];
    },
    begin(mechanism, secure, remoteAddress) {
      const known = mechanism === 'PLAIN' ? secure || options.allowPlainWithoutTls : (SCRAM_MECHANISMS as string[]).includes(mechanism);
      if (!known) return undefined;
      const attempt = new ThrottledAttempt(options, remoteAddress);
      if (mechanism === 'PLAIN') return plainExchange(options, attempt);
      return scramExchange(mechanism as ScramMechanism, options, attempt);
    },
  };
}

const REFUSALS: Record<Exclude<ThrottleVerdict, { allowed: true }>['reason'], string> = {
  address: 'too many failed logins from this address; try again later',
  account: 'too many failed logins for this account; try again later',
  'account-and-address': 'too many failed logins for this account from this address; try again later',
};

/** One login attempt's dealings with the throttle: checked once the account is known, its outcome counted. */
class ThrottledAttempt {
  account: string | undefined;
  refusal: SaslStep | undefined;

  constructor(
    private readonly options: SaslAuthenticatorOptions,
    private readonly address: string,
  ) {}

  /** False (and `refusal` set) when the throttle refuses this account from this address. */
  admit(account: string): boolean {
    this.account = account;
    const verdict = this.options.throttle.check(this.address, account);
    if (verdict.allowed) return true;
    this.refusal = { kind: 'failure', condition: 'temporary-auth-failure', text: REFUSALS[verdict.reason] };
    this.options.warnings.warn(`login-throttled: ${verdict.reason}`, { username: account, address: this.address, reason: verdict.reason }, 'XMPP login refused: too many failures');
    return false;
  }

  async failed(step: SaslStep & { kind: 'failure' }): Promise<SaslStep> {
    this.options.throttle.recordFailure(this.address, this.account);
    if (this.options.failureDelayMs > 0) await delay(this.options.failureDelayMs);
    return step;
  }

  succeeded(step: SaslStep & { kind: 'success' }): SaslStep {
    this.options.throttle.recordSuccess(this.address, step.username);
    return step;
  }
}

function scramExchange(mechanism: ScramMechanism, options: SaslAuthenticatorOptions, attempt: ThrottledAttempt): SaslExchange {
  const exchange = new ScramServerExchange({
    mechanism,
    domain: options.domain,
    lookup: async (username) => {
      const local = safeLocal(username);
      if (!local || !attempt.admit(local)) return undefined;
      return (await options.accounts.get(local))?.credentials[mechanism];
    },
  });
  let started = false;
  return {
    async step(response) {
      if (!started) {
        started = true;
        const first = await exchange.start(response);
        if (attempt.refusal) return attempt.refusal;
        if ('challenge' in first) return { kind: 'challenge', data: first.challenge };
        return attempt.failed({ kind: 'failure', condition: first.error, text: first.text });
      }
      const final = exchange.finish(response);
      if ('success' in final) return attempt.succeeded({ kind: 'success', username: safeLocal(final.username)!, data: final.success });
      return attempt.failed({ kind: 'failure', condition: final.error });
    },
  };
}

function plainExchange(options: SaslAuthenticatorOptions, attempt: ThrottledAttempt): SaslExchange {
  return {
    async step(response) {
      const parsed = parsePlainMessage(response);
      if ('error' in parsed) return attempt.failed({ kind: 'failure', condition: parsed.error, text: parsed.text });
      const username = safeLocal(parsed.authcid);
      if (username && !attempt.admit(username)) return attempt.refusal!;
      if (!username || !authzidAllowed(parsed.authzid, username, options.domain)) {
        return attempt.failed({ kind: 'failure', condition: username ? 'invalid-authzid' : 'not-authorized' });
      }
      if (!(await options.accounts.verifyPassword(username, parsed.password))) return attempt.failed({ kind: 'failure', condition: 'not-authorized' });
      return attempt.succeeded({ kind: 'success', username, data: null });
    },
  };
}

function safeLocal(username: string): string | undefined {
  try {
    return normaliseLocal(username);
  } catch (err) {
    if (err instanceof JidError) return undefined;
    throw err;
  }
}
