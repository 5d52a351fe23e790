/**
 * The server's own XEP services, installed on a core context: service discovery, ping,
 * software version, vcard-temp, blocking, entity capabilities, personal eventing (PEP) and the
 * legacy session IQ.
 */
import { NS } from '../xml';
import type { CoreContext } from '../core/core-context';
import { UndoStack } from '../core/undo-stack';
import { addDiscoFeatures } from '../core/disco-features';
import { registerDisco } from './server-disco';
import { registerPing } from './ping';
import { registerSoftwareVersion } from './software-version';
import { registerVCard } from './vcard';
import { registerBlocking } from './blocking';
import { registerSessionEstablishment } from './session-establishment';
import { registerCaps } from './caps';
import { registerPep } from './pep';

export { UndoStack } from '../core/undo-stack';
export { addDiscoFeatures } from '../core/disco-features';
export { readServerVersion, SERVER_NAME } from './server-version';

/** Registers every core service; the returned function undoes all of it. */
export function registerCoreServices(ctx: CoreContext): () => void {
  const undo = new UndoStack();
  undo.add(addDiscoFeatures(ctx, [NS.DISCO_INFO, NS.DISCO_ITEMS, NS.PING, NS.VERSION, NS.VCARD, NS.ROSTER_VER]));
  undo.add(registerDisco(ctx));
  undo.add(registerPing(ctx));
  undo.add(registerSoftwareVersion(ctx));
  undo.add(registerVCard(ctx));
  undo.add(registerBlocking(ctx));
  undo.add(registerSessionEstablishment(ctx));
  undo.add(registerCaps(ctx));
  undo.add(registerPep(ctx));
  return () => undo.run();
}
