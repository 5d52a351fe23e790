import type { Cluster, ClusterCache, JsonValue } from '../cluster/types';
import type { Scope } from '../lifecycle/scope';
import type { JsonShaped } from '../cluster/jsonify';
import type { PluginCluster } from './types';

const LISTENER_METHODS = new Set<PropertyKey>(['on', 'addListener', 'once']);

/**
 * The cluster as one plugin sees it. Cache, task and topic names get the plugin's prefix so
 * two plugins never collide, and every listener, task and message handler belongs to the scope.
 */
export function scopedCluster(cluster: Cluster, pluginName: string, scope: Scope): Omit<PluginCluster, 'onNodeLost'> {
  const named = (name: string) => `plugin.${pluginName}.${name}`;
  return {
    nodeId: cluster.nodeId,
    isSenior: () => cluster.isSenior(),
    seniorId: () => cluster.seniorId(),
    members: () => cluster.members(),
    on(event, listener) {
      cluster.on(event, listener as never);
      return scope.own(() => cluster.off(event, listener as never));
    },
    createCache<V extends JsonShaped<V> = JsonValue>(name: string, options = {}) {
      // V is JSON-shaped (the constraint), so the values are JSON values and the wire format is the cluster's own.
      return scopedCache(cluster.createCache(named(name), options) as unknown as ClusterCache<V>, scope);
    },
    registerTask(name, handler) {
      // The answer is JSON-shaped (the constraint on the handler's type): it goes as it is.
      const registration = cluster.registerTask(named(name), handler as (payload: JsonValue, fromNode: string) => Promise<JsonValue | void>);
      return scope.own(() => registration.dispose());
    },
    runOnAll: (name, payload, options) => cluster.runOnAll(named(name), payload, options),
    runOnNode: (nodeId, name, payload, options) => cluster.runOnNode(nodeId, named(name), payload, options),
    runOnSenior: (name, payload, options) => cluster.runOnSenior(named(name), payload, options),
    send: (nodeId, topic, payload) => cluster.send(nodeId, named(topic), payload),
    onMessage(topic, handler) {
      const subscription = cluster.onMessage(named(topic), handler);
      return scope.own(() => subscription.dispose());
    },
  };
}

/** The shared cache, with listeners added through this view owned by the scope. */
function scopedCache<V>(cache: ClusterCache<V>, scope: Scope): ClusterCache<V> {
  const view: ClusterCache<V> = new Proxy(cache, {
    get(target, property) {
      if (LISTENER_METHODS.has(property)) {
        return (event: 'entry' | 'cleared', listener: (...args: never[]) => void) => {
          const method = property === 'once' ? 'once' : 'on';
          target[method](event, listener as never);
          scope.own(() => target.off(event, listener as never));
          return view;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return view;
}
