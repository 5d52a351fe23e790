import { StanzaError } from '../xml';
import type { CoreContext } from '../core/core-context';
import type { CoreModuleDefinition } from '../plugins/core-module';
import { blockingModule, capsModule, pepModule, privateStorageModule, bookmarksModule, avatarConversionModule, uploadModule, componentsModule, pushModule, discoModule, mucModule, pingModule, versionModule, vcardModule, sessionModule, registerModule, hostMetaModule, streamManagementModule, csiModule, s2sModule } from '../services';
import carbonsModule from '../im/carbons/module';
import offlineModule from '../im/offline/module';
import messagesModule from '../im/messages/module';
import mamModule from '../im/mam/module';
import rosterModule from '../im/roster/module';
import presenceModule from '../im/presence/module';

/**
 * The server's own feature modules, hosted by the plugin host on the same definition plugins
 * use (started before plugins, in dependency order, and stopped after them).
 */
export const CORE_MODULES: readonly CoreModuleDefinition[] = [
  discoModule,
  pingModule,
  versionModule,
  vcardModule,
  sessionModule,
  registerModule,
  hostMetaModule,
  blockingModule,
  capsModule,
  pepModule,
  privateStorageModule,
  bookmarksModule,
  avatarConversionModule,
  mucModule,
  uploadModule,
  componentsModule,
  carbonsModule,
  offlineModule,
  mamModule,
  pushModule,
  messagesModule,
  rosterModule,
  presenceModule,
  streamManagementModule,
  csiModule,
  s2sModule,
];

/**
 * Points the router's delivery to local users at the messages and presence modules, resolved
 * once: while one is off, messages are refused with service-unavailable and presence dropped.
 */
export function deliverThroughModules(ctx: CoreContext): void {
  const messages = ctx.services.ref('messages');
  const presence = ctx.services.ref('presence');
  ctx.router.setUserDelivery({
    message: async (stanza, to, from, options) => {
      if (messages.current) return messages.current.message(stanza, to, from, options);
      if (stanza.attrs.type !== 'error') ctx.router.reject(stanza, new StanzaError('service-unavailable'));
    },
    presence: async (stanza, to, from) => presence.current?.inbound(stanza, to, from),
    accountExists: (username) => ctx.stores.accounts.exists(username),
  });
}
