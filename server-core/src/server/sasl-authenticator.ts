import { setTimeout as delay } from 'node:timers/promises';
import { ScramServerExchange, parsePlainMessage, authzidAllowed, type ScramMechanism } from '../auth';
import type { AccountStore } from '../storage/stores';
import type { SaslAuthenticator, SaslExchange, SaslStep } from '../stream';
import { normaliseLocal, JidError } from '../xml';
import type { LoginThrottle } from './login-throttle';

export interface SaslAuthenticatorOptions {
  domain: string;
  accounts: AccountStore;
  allowPlainWithoutTls: boolean;
  /** Delay before a failure is answered, to slow password guessing. */
  failureDelayMs: number;
  throttle: LoginThrottle;
}

const SCRAM_MECHANISMS: ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-1'];

/** SCRAM-SHA-256, SCRAM-SHA-1 and (under TLS only, unless configured otherwise) PLAIN over the account store. */
export function createSaslAuthenticator(options: SaslAuthenticatorOptions): SaslAuthenticator {
  const failSlowly = (remoteAddress: string) => async (step: SaslStep): Promise<SaslStep> => {
    if (step.kind !== 'failure') return step;
    options.throttle.recordFailure(remoteAddress);
    if (options.failureDelayMs > 0) await delay(options.failureDelayMs);
    return step;
  };
  const throttled: SaslExchange = {
    step: async () => ({ kind: 'failure', condition: 'temporary-auth-failure', text: 'too many failed logins from this address; try again later' }),
  };
  return {
    mechanisms(secure) {
      return secure || options.allowPlainWithoutTls ? [...SCRAM_MECHANISMS, 'PLAIN'] : [...SCRAM_MECHANISMS];
    },
    begin(mechanism, secure, remoteAddress) {
      const known = mechanism === 'PLAIN' ? secure || options.allowPlainWithoutTls : (SCRAM_MECHANISMS as string[]).includes(mechanism);
      if (!known) return undefined;
      if (options.throttle.isBlocked(remoteAddress)) return throttled;
      if (mechanism === 'PLAIN') return plainExchange(options, failSlowly(remoteAddress));
      return scramExchange(mechanism as ScramMechanism, options, failSlowly(remoteAddress));
    },
  };
}

function scramExchange(mechanism: ScramMechanism, options: SaslAuthenticatorOptions, failSlowly: (s: SaslStep) => Promise<SaslStep>): SaslExchange {
  const exchange = new ScramServerExchange({
    mechanism,
    domain: options.domain,
    lookup: async (username) => {
      const local = safeLocal(username);
      if (!local) return undefined;
      return (await options.accounts.get(local))?.credentials[mechanism];
    },
  });
  let started = false;
  return {
    async step(response) {
      if (!started) {
        started = true;
        const first = await exchange.start(response);
        if ('challenge' in first) return { kind: 'challenge', data: first.challenge };
        return failSlowly({ kind: 'failure', condition: first.error, text: first.text });
      }
      const final = exchange.finish(response);
      if ('success' in final) return { kind: 'success', username: safeLocal(final.username)!, data: final.success };
      return failSlowly({ kind: 'failure', condition: final.error });
    },
  };
}

function plainExchange(options: SaslAuthenticatorOptions, failSlowly: (s: SaslStep) => Promise<SaslStep>): SaslExchange {
  return {
    async step(response) {
      const parsed = parsePlainMessage(response);
      if ('error' in parsed) return failSlowly({ kind: 'failure', condition: parsed.error, text: parsed.text });
      const username = safeLocal(parsed.authcid);
      if (!username || !authzidAllowed(parsed.authzid, username, options.domain)) {
        return failSlowly({ kind: 'failure', condition: username ? 'invalid-authzid' : 'not-authorized' });
      }
      if (!(await options.accounts.verifyPassword(username, parsed.password))) return failSlowly({ kind: 'failure', condition: 'not-authorized' });
      return { kind: 'success', username, data: null };
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
