/**
 * The server lets a user act only as themselves: an authorization identity must be absent,
 * or the user's own bare JID (RFC 6120 section 6.3.8). Comparison ignores case, as JIDs
 * are normalised to lower case everywhere else.
 */
export function authzidAllowed(authzid: string | undefined, username: string, domain: string | undefined): boolean {
  if (authzid === undefined || authzid === '') return true;
  if (domain === undefined) return false;
  return authzid.toLowerCase() === `${username}@${domain}`.toLowerCase();
}
