/**
 * What went wrong on an AMI link, as a value callers switch on:
 * - `disconnected`: the link is not connected (or stopped) so the action was refused or lost;
 * - `timeout`: no answer within `actionTimeoutMs` (or `connectTimeoutMs` while connecting);
 * - `auth`: Asterisk refused the login; the message is Asterisk's own (`Authentication failed`);
 * - `action`: Asterisk answered `Response: Error`; the message is Asterisk's;
 * - `connect`: the TCP/TLS connection could not be made or broke;
 * - `protocol`: the peer does not speak AMI as we expect (no banner, oversized line, bad message);
 * - `invalid-action`: the action we were asked to send is not acceptable (bad key, CR/LF in a value).
 */
export type AmiErrorKind = 'disconnected' | 'timeout' | 'auth' | 'action' | 'connect' | 'protocol' | 'invalid-action';

export class AmiLinkError extends Error {
  constructor(
    readonly kind: AmiErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'AmiLinkError';
  }
}
