import type { CoreContext } from './core-context';
import type { SessionManager } from './session-manager';
import { createPresenceModule } from '../im/presence-module';
import { createMessageModule } from '../im/message-module';
import { registerCoreServices } from '../services';

/**
 * Installs the server's own protocol modules (RFC 6121 IM and the core XEPs) on a core
 * context. Returns the undo, run at shutdown.
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
  const undoServices = registerCoreServices(ctx);
  return async () => {
    await undoServices();
    await messages.dispose();
    presence.dispose();
  };
}
