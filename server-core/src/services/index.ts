/**
 * The server's own XEP services, installed on a core context: service discovery, ping,
 * software version, vcard-temp, entity capabilities, personal eventing (PEP) and the
 * legacy session IQ.
 */
import { NS } from '../xml';
import type { CoreContext } from '../core/core-context';
import { Scope } from '../lifecycle/scope';
import { addDiscoFeatures } from '../core/disco-features';
import { registerDisco } from './server-disco';
import { registerPing } from './ping';
import { registerSoftwareVersion } from './software-version';
import { registerVCard } from './vcard';
import { registerSessionEstablishment } from './session-establishment';
import { registerCaps } from './caps';
import { registerPep } from './pep';

export { addDiscoFeatures } from '../core/disco-features';
export { readServerVersion, SERVER_NAME } from '../core/server-version';
export { blockingModule } from './blocking';

/** Registers every core service; the returned function undoes all of it. */
export function registerCoreServices(ctx: CoreContext): () => Promise<void> {
  const undo = new Scope('core services', ctx.logger);
  undo.own(addDiscoFeatures(ctx, [NS.DISCO_INFO, NS.DISCO_ITEMS, NS.PING, NS.VERSION, NS.VCARD, NS.ROSTER_VER]));
  undo.own(registerDisco(ctx));
  undo.own(registerPing(ctx));
  undo.own(registerSoftwareVersion(ctx));
  undo.own(registerVCard(ctx));
  undo.own(registerSessionEstablishment(ctx));
  undo.own(registerCaps(ctx));
  undo.own(registerPep(ctx));
  return () => undo.dispose();
}
