/** How a remote domain proved who it is on a link. */
export type AuthMethod = 'dialback' | 'sasl-external';

/** One authenticated server-to-server link, as the admin API and console show it. */
export interface LinkView {
  /** Ours: the server's domain, or a component's for a link carrying that component's stanzas. */
  localDomain: string;
  remoteDomain: string;
  direction: 'incoming' | 'outgoing';
  authMethod: AuthMethod;
  /** ISO time the link was authenticated. */
  since: string;
  /** The node holding the link. */
  node: string;
  /** The peer's IP address. */
  address: string;
}
