import type { Element } from 'ltx';

/** What the XEP-0357 push module hears of from the offline module: each message stored for an absent account. */
export interface PushNotifier {
  /** Called after the message was stored for `username`; never waits for the app servers. */
  messageStored(username: string, message: Element): void;
  /** Whether this node announced the message already when it reached an idle session (that session's unacknowledged stanzas come back to offline storage when it ends). */
  wasAnnounced(message: Element): boolean;
}
