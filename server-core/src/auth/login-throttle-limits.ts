import type { ServerConfig } from '../config';
import type { LoginThrottleLimits } from './login-throttle';

/** XMPP logins and console sign-ins are limited by the same keys, each with counts of its own. */
export function loginThrottleLimits(config: ServerConfig): LoginThrottleLimits {
  const l = config.limits;
  return {
    perAddress: l.loginAttemptsPerMinute,
    perAccount: l.loginFailuresPerAccountPerMinute,
    perAccountAndAddress: l.loginFailuresPerAccountAndAddressPerMinute,
    windowMs: 60_000,
    trustedForMs: l.loginTrustedAddressMs,
  };
}
