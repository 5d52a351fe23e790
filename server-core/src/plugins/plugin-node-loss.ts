import type { LostNode, NodeLostHandlers } from '../cluster/node-lost-handlers';
import type { Scope } from '../lifecycle/scope';

/** What a plugin's node-lost handler is told; see ctx.cluster.onNodeLost. */
export type PluginLostNode = LostNode;

/** `ctx.cluster.onNodeLost`: the plugin's handler joins the coordinator's list until the plugin stops. */
export function scopedNodeLost(plugin: string, handlers: NodeLostHandlers, scope: Scope) {
  return (handler: (lost: PluginLostNode) => Promise<void> | void): (() => void) => scope.own(handlers.add(`plugin ${plugin}`, handler));
}
