/**
 * Drives test/interop/slixmpp_sm.py: one slixmpp client with its own XEP-0198 implementation,
 * told what to do line by line, whose events the test waits for. The text of the last
 * <failed/> is in the `sm_failed` event as `condition`.
 */
import { SlixmppProcess } from './slixmpp-process';

export type { SlixEvent } from './slixmpp-process';

export class SlixmppSmClient extends SlixmppProcess {
  constructor(port: number, jid: string, password: string) {
    super('slixmpp_sm.py', [String(port), jid, password]);
  }

  bodies(): string[] {
    return this.events.filter((event) => event.event === 'message').map((event) => String(event.body));
  }
}
