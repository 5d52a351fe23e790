import type { CoreContext } from './core-context';
import type { SessionManager } from './session-manager';
import { createPresenceModule } from '../im/presence-module';
import { createMessageModule } from '../im/message-module';
import { blockingModule, capsModule, pepModule, discoModule, pingModule, versionModule, vcardModule, sessionModule } from '../services';
import type { CoreModuleDefinition } from '../plugins/core-module';
import { addDiscoFeatures } from '../services/disco-features';
import { NS } from '../xml';

/**
 * The server's own feature modules, hosted by the plugin host on the same definition plugins
 * use (started before plugins, in dependency order, and stopped after them).
 */
export const CORE_MODULES: readonly CoreModuleDefinition[] = [discoModule, pingModule, versionModule, vcardModule, sessionModule, blockingModule, capsModule, pepModule];

/**
 * Installs the protocol code not yet hosted as a module (RFC 6121 IM and the remaining core
 * XEPs) on a core context. Returns the undo, run at shutdown.
 */
export function installCoreModules(ctx: CoreContext, sessions: SessionManager): () => Promise<void> {
  const presence = createPresenceModule(ctx);
  const messages = createMessageModule(ctx);
  sessions.presence = presence.presence;
  ctx.router.setUserDelivery({
    message: (stanza, to, from) => messages.message(stanza, to, from),
    presence: (stanza, to, from) => presence.inbound(stanza, to, from),
    accountExists: (username) => ctx.stores.accounts.exists(username),
  });
  const undoRosterVersioning = addDiscoFeatures(ctx, [NS.ROSTER_VER]);
  return async () => {
    undoRosterVersioning();
    await messages.dispose();
    presence.dispose();
  };
}
