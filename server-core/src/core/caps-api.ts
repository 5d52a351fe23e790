import type { ClientSession } from '../session';

/** Called on the session's node when the features of a local resource's current caps are known. */
export type FeaturesKnownListener = (session: ClientSession, features: ReadonlySet<string>, key: string) => void;

/** XEP-0115 entity capabilities as the server learnt them from its clients (the `caps` service). */
export interface EntityCaps {
  /**
   * The verified features of an available resource on any node; undefined while they are not
   * known, and for resources that advertise no capabilities at all.
   */
  featuresOf(fullJid: string): ReadonlySet<string> | undefined;
  /**
   * Fires at each available presence whose caps are known at once, and later when a client's
   * answer made them known. `key` changes when the resource's capabilities do.
   */
  onFeaturesKnown(listener: FeaturesKnownListener): () => void;
}
