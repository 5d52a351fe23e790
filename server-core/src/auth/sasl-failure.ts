/** The SASL failure conditions of RFC 6120 section 6.5, sent back as <failure><condition/></failure>. */
export type SaslFailure =
  | 'aborted'
  | 'account-disabled'
  | 'credentials-expired'
  | 'encryption-required'
  | 'incorrect-encoding'
  | 'invalid-authzid'
  | 'invalid-mechanism'
  | 'malformed-request'
  | 'mechanism-too-weak'
  | 'not-authorized'
  | 'temporary-auth-failure';

/** A failed SASL step; `text` explains it for logs and may be sent as <text/>. */
export interface SaslError {
  error: SaslFailure;
  text?: string;
}

export function saslError(error: SaslFailure, text?: string): SaslError {
  return text === undefined ? { error } : { error, text };
}
