import type { SaslFailure } from '../auth/sasl-failure';

/** SASL failure conditions (RFC 6120 6.5). */
export type SaslCondition = SaslFailure;

export type SaslStep =
  | { kind: 'challenge'; data: Buffer }
  | { kind: 'success'; username: string; data: Buffer | null }
  | { kind: 'failure'; condition: SaslCondition; text?: string };

/** One authentication attempt with one mechanism. */
export interface SaslExchange {
  /** Called with the initial response, then with each response to a challenge. */
  step(response: Buffer): Promise<SaslStep>;
}

/** Offers mechanisms and runs exchanges; the stream layer knows nothing of credentials. */
export interface SaslAuthenticator {
  mechanisms(secure: boolean): string[];
  /** `remoteAddress` lets the authenticator throttle guessing from one address. */
  begin(mechanism: string, secure: boolean, remoteAddress: string): SaslExchange | undefined;
}
