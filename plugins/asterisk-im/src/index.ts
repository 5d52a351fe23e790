/**
 * Asterisk-IM: telephony presence. Users on the phone show as away/"On the phone" to their
 * contacts, get Spark phone events, and (through the actions part) dial from their client.
 * Works in a cluster: the senior holds the AMI links, every node applies phone presence to
 * its own sessions from replicated caches.
 */
import { definePlugin } from '@asterisk-im/server-core';
import { configSchema } from './config';
import { applyConfig, startRuntime, type AsteriskImState } from './start-runtime';
import { STORE_MIGRATIONS } from './store';
import type { AsteriskImRuntime } from './runtime';
import { registerActions } from './actions';
import { registerAdminRoutes } from './admin';
import { registerQueuePresence } from './queues';
import { registerDndToPhone } from './dnd';
import { registerPrivacy } from './privacy';
import { registerActivity } from './activity';
import { registerConsolePage } from './console';
import { registerCallLog } from './calllog';
import { registerVoicemail } from './voicemail';

export type { AsteriskImRuntime } from './runtime';

/**
 * The other parts of the plugin, started once the core runtime is up. Each registers what it
 * needs through `runtime.ctx`, so stopping the plugin undoes it.
 */
const parts: Array<(runtime: AsteriskImRuntime) => void | Promise<void>> = [registerActions, registerCallLog, registerVoicemail, registerQueuePresence, registerDndToPhone, registerPrivacy, registerAdminRoutes, registerActivity, registerConsolePage];

export const plugin = definePlugin({
  name: 'asterisk-im',
  version: '0.1.0',
  description: 'Telephony presence and click-to-dial through the Asterisk Manager Interface',
  configSchema,
  migrations: STORE_MIGRATIONS,

  async start(ctx): Promise<AsteriskImState> {
    const state = await startRuntime(ctx);
    for (const part of parts) await part(state.runtime);
    return state;
  },

  async reconfigure(ctx, next, _previous, { store }) {
    await applyConfig(ctx, store, next);
  },
});

export default plugin;
