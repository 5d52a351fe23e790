import type { Element } from 'ltx';
import type { Logger } from '../log';
import type { Database } from '../storage';
import type { CoreContext } from '../server/core-context';
import type { ClientSession } from '../routing/client-session';
import { addDiscoFeatures } from '../services/disco-features';
import type { PluginRoutes } from '../admin/plugin-routes';
import { parseJid } from '../xml';
import { componentDomain, componentHandler } from './plugin-component';
import type { PluginConfigHandle } from './plugin-config';
import type { PluginScope } from './plugin-scope';
import { pluginSessions, sessionView } from './plugin-sessions';
import { scopedCluster } from './scoped-cluster';
import type { AdminRouteHandler, DiscoItem, PluginContext } from './types';

export interface PluginContextDeps<C> {
  name: string;
  core: CoreContext;
  db: Database;
  routes: PluginRoutes;
  scope: PluginScope;
  config: PluginConfigHandle<C>;
  logger: Logger;
}

/** Builds the context one plugin start receives; every registration is owned by `scope`. */
export function createPluginContext<C>(deps: PluginContextDeps<C>): PluginContext<C> {
  const { name, core, scope } = deps;
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
    stores: core.stores,
    sessions: pluginSessions(core, published),
    router: {
      route: (stanza, from) => core.router.route(stanza, from ?? parseJid(core.domain)),
      deliverToResource: (fullJid, stanza) => core.router.deliverToResource(fullJid, stanza),
      resourcesOf: (bareJid) => core.routes.resourcesOf(bareJid).map((route) => route.fullJid),
    },
    cluster: scopedCluster(core.cluster, name, scope),
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
          send: (stanza) => {
            stanza.attrs.from ??= domain;
            return core.router.route(stanza, parseJid(String(stanza.attrs.from)));
          },
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
    ...(core.pep ? { pep: core.pep } : {}),
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
  };
}
