import type { Element } from 'ltx';
import type { Logger } from '../log';
import type { Database } from '../storage';
import type { CoreContext } from '../core/core-context';
import { addDiscoFeatures } from '../core/disco-features';
import type { PluginRoutes } from './plugin-routes';
import { parseJid } from '../xml';
import { componentDomain, componentHandler } from './plugin-component';
import type { PluginConfigHandle } from './plugin-config';
import type { Scope } from '../lifecycle/scope';
import { scopedCluster } from './scoped-cluster';
import { scopedMetrics } from './plugin-metrics';
import { scopedConsole } from './plugin-console';
import { scopedNodeLost } from './plugin-node-loss';
import { scopedStreamFeatures } from './plugin-stream-features';
import type { ConsoleExtensions } from './console-extensions';
import { pluginUsers } from './plugin-users';
import type { DiscoItem, PluginContext, PluginDefinition } from './types';
import type { Jid } from '../xml';
import type { PepService } from '../core/pep-api';

function withPep(pep: PepService | undefined): { pep?: PepService } {
  return pep ? { pep } : {};
}

/** The sender a stanza names itself, or `fallback` (the domain or the component) when it names none. */
function senderOf(stanza: Element, fallback: string): Jid {
  return parseJid(String(stanza.attrs.from ?? fallback));
}

/** Routes with `from` stamped on the stanza, so the recipient sees who sent it. */
function routeFrom(core: CoreContext, stanza: Element, from: Jid): Promise<void> {
  stanza.attrs.from = from.full;
  return core.router.route(stanza, from);
}
import type { ClientSession } from '../session';
import { pluginSessions, sessionView } from './plugin-sessions';
import type { AdminRouteHandler } from './types';

export interface PluginContextDeps<C> {
  name: string;
  /** What the module declared it needs and offers (checked by provide/use). */
  declared?: Pick<PluginDefinition<C>, 'depends' | 'optional' | 'provides'>;
  core: CoreContext;
  db: Database;
  routes: PluginRoutes;
  scope: Scope;
  config: PluginConfigHandle<C>;
  logger: Logger;
  consoleExtensions: ConsoleExtensions;
}

/** Builds the context one plugin start receives; every registration is owned by `scope`. */
export function createPluginContext<C>(deps: PluginContextDeps<C>): PluginContext<C> {
  const { name, core, scope } = deps;
  const declared = deps.declared ?? {};
  const view = (session: ClientSession) => sessionView(session, core.nodeId);
  // Presence this plugin publishes for a session: its own interceptors let it pass unseen.
  const published = new WeakSet<Element>();

  const addDiscoItem = (item: DiscoItem): (() => void) => {
    const entry = { ...item };
    core.disco.items.push(entry);
    return scope.own(() => {
      const index = core.disco.items.indexOf(entry);
      if (index >= 0) core.disco.items.splice(index, 1);
    });
  };

  return {
    name,
    domain: core.domain,
    nodeId: core.nodeId,
    logger: deps.logger,
    config: deps.config,
    db: deps.db,
    users: pluginUsers(core.stores, core.domain),
    sessions: pluginSessions(core, published),
    router: {
      route: (stanza, from) => routeFrom(core, stanza, from ?? senderOf(stanza, core.domain)),
      deliverToResource: (fullJid, stanza) => core.router.deliverToResource(fullJid, stanza),
      resourcesOf: (bareJid) => core.routes.resourcesOf(bareJid).map((route) => route.fullJid),
    },
    cluster: { ...scopedCluster(core.cluster, name, scope), onNodeLost: scopedNodeLost(name, core.nodeLost, scope) },
    interceptors: {
      add(interceptor) {
        const direction = interceptor.direction ?? 'both';
        const undo = core.interceptors.add({
          name: `${name}/${interceptor.name}`,
          priority: interceptor.priority ?? 0,
          intercept: (stanza, context) =>
            (direction === 'both' || direction === context.direction) && !published.has(stanza)
              ? interceptor.intercept(stanza, { direction: context.direction, processed: context.processed, session: view(context.session) })
              : undefined,
        });
        return scope.own(undo);
      },
    },
    iq: {
      register: (iqScope, namespace, handler) =>
        scope.own(core.iqHandlers.register(iqScope, namespace, ({ session, ...request }) => handler({ ...request, ...(session ? { session: view(session) } : {}) }))),
    },
    components: {
      register(address, options) {
        const domain = componentDomain(address, core.domain);
        scope.own(core.router.registerComponent(domain, componentHandler(domain, options, core.router)));
        addDiscoItem({ jid: domain, ...(options.name ? { name: options.name } : {}) });
        return {
          domain,
          send: (stanza) => routeFrom(core, stanza, senderOf(stanza, domain)),
        };
      },
    },
    disco: {
      addFeature: (feature) => scope.own(addDiscoFeatures(core, [feature])),
      addItem: addDiscoItem,
    },
    events: {
      on(event, listener) {
        // The plugin hears each session as its read-only view.
        const relay = (session: ClientSession, ...rest: unknown[]) => (listener as (...args: unknown[]) => void)(view(session), ...rest);
        core.events.on(event, relay);
        return scope.own(() => core.events.off(event, relay));
      },
    },
    // Resolved once at start, like ctx.use: the pep module runs before any plugin.
    ...withPep(core.services.get('pep')),
    admin: {
      // The answer type is JSON-shaped (the constraint on route's T): it is sent as it is.
      route: (method, path, handler) => scope.own(deps.routes.add(name, method, path, handler as AdminRouteHandler)),
    },
    timers: {
      setTimeout: (callback, ms) => scope.setTimeout(callback, ms),
      setInterval: (callback, ms) => scope.setInterval(callback, ms),
    },
    onStop(undo) {
      scope.own(undo);
    },
    metrics: scopedMetrics(name, scope),
    console: scopedConsole(name, deps.consoleExtensions, scope),
    provide(service, impl) {
      if (!declared.provides?.includes(service)) throw new Error(`module ${name} provides "${service}" without listing it in provides`);
      scope.own(core.services.provide(name, service, impl));
    },
    use(service) {
      if (!declared.depends?.includes(service)) throw new Error(`module ${name} uses "${service}" without listing it in depends`);
      const impl = core.services.get(service);
      if (impl === undefined) throw new Error(`module ${name} depends on "${service}", which no running module provides`);
      return impl;
    },
    useOptional(service) {
      if (!declared.optional?.includes(service)) throw new Error(`module ${name} uses "${service}" without listing it in optional`);
      return core.services.ref(service);
    },
    streamFeatures: scopedStreamFeatures(name, core.streamFeatures, scope),
  };
}
