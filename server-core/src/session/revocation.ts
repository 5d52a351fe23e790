import type { EndSessionsRequest } from './session-ending';

/**
 * The stream errors a session ends with when its credentials stop being valid. A changed
 * password is `reset` (RFC 6120 4.9.3.19: the security context the stream was authenticated
 * with is revoked; the client may reconnect and log in with the new password). A deleted
 * account is `not-authorized` (4.9.3.12): there is nothing to log in to any more.
 */
export function revocation(username: string, domain: string, reason: 'password-changed' | 'account-deleted'): EndSessionsRequest {
  const jid = `${username}@${domain}`;
  return reason === 'password-changed'
    ? { jid, condition: 'reset', text: 'the password of this account was changed; log in again' }
    : { jid, condition: 'not-authorized', text: 'this account was deleted' };
}
