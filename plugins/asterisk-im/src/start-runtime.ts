import type { PluginContext } from '@asterisk-im/server-core';
import { registerPhoneComponent } from './component';
import type { AsteriskImConfig } from './config';
import { PhoneEventRelay } from './events';
import { HeldStateRequests, LinkManager } from './link';
import { PhonePresenceApplier, PhoneStateCache, type PhoneStateEntry, TrappedPresences, UserAvailability, type SessionAvailability, type TrappedEntry } from './presence';
import type { AmiLinkStatus, AsteriskImRuntime } from './runtime';
import { CallLogStore } from './calllog/call-log-store';
import { SqlPhoneStore } from './store';
import { registerTelephonyMetrics } from './telephony-metrics';

/** Replicated caches of the plugin (names are private to it). */
const CACHES = {
  storeChanges: 'store-changes',
  phoneUsers: 'phone-users',
  linkStatus: 'link-status',
  trappedPresence: 'trapped-presence',
  ownAvailability: 'own-availability',
} as const;

/** The plugin's state on this node: its runtime, and the store a new config is written into. */
export interface AsteriskImState {
  runtime: AsteriskImRuntime;
  store: SqlPhoneStore;
}

/** Builds the core of the plugin on this node; everything it registers goes through ctx. */
export async function startRuntime(ctx: PluginContext<AsteriskImConfig>): Promise<AsteriskImState> {
  const store = new SqlPhoneStore({
    db: ctx.db,
    users: ctx.users,
    domain: ctx.domain,
    configSettings: () => ctx.config.value.settings,
    changes: ctx.cluster.createCache<number>(CACHES.storeChanges),
  });
  ctx.onStop(await store.open());
  await applyConfig(ctx, store, ctx.config.value);

  const component = registerPhoneComponent(ctx, store);
  // The senior is the authority for phone states and each node for its sessions' trapped presences:
  // after Redis lost its data, only they put entries back, so an ended call never comes back.
  const restoredBy = 'writer' as const;
  // What the senior writes is fenced by its lease: a senior woken from a pause past its lease, with
  // writes still on their way to Redis, cannot replace the new senior's phone states with older ones.
  const writtenBy = 'senior' as const;
  const phoneState = new PhoneStateCache(ctx.cluster.createCache<PhoneStateEntry>(CACHES.phoneUsers, { restoredBy, writtenBy }));
  const trapped = new TrappedPresences(ctx.cluster.createCache<TrappedEntry>(CACHES.trappedPresence, { restoredBy }), ctx.timers);
  const metrics = registerTelephonyMetrics(ctx.metrics);
  const links = new LinkManager({
    ctx,
    store,
    phoneState,
    statusCache: ctx.cluster.createCache<AmiLinkStatus>(CACHES.linkStatus, { writtenBy }),
    metrics,
  });
  const availability = new UserAvailability(ctx, ctx.cluster.createCache<SessionAvailability>(CACHES.ownAvailability), trapped);
  availability.start();
  new PhonePresenceApplier({ ctx, phoneState, trapped, settings: () => store.settings.get(), visibility: (user) => store.privacy.of(user), onSettingsChange: (l) => store.onChange(l) }).start();
  new PhoneEventRelay(ctx, phoneState, component.domain).start();
  links.start();
  new HeldStateRequests(ctx, phoneState, links).start();

  const runtime: AsteriskImRuntime = {
    ctx,
    store,
    links,
    phoneState,
    component,
    callLog: new CallLogStore(ctx.db),
    metrics,
    settings: () => store.settings.get(),
    onUserPresence: (listener) => availability.onChange(listener),
  };
  return { runtime, store };
}

/** Writes the servers and devices the config declares into the plugin's tables. */
export async function applyConfig(ctx: PluginContext<AsteriskImConfig>, store: SqlPhoneStore, config: AsteriskImConfig): Promise<void> {
  await store.applyDeclared(config.servers, config.devices);
  // Settings from the config may have changed: this node's sessions on the phone re-apply them.
  await store.reload();
  ctx.logger.info({ servers: config.servers.map((s) => s.name), devices: config.devices.length }, 'Asterisk-IM config applied');
}
