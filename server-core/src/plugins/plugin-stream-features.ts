import type { StreamFeature, StreamFeatures } from '../stream/stream-features';
import type { Scope } from '../lifecycle/scope';

/** `ctx.streamFeatures`: features client streams offer and answer while the plugin runs. */
export interface PluginStreamFeatures {
  /** The feature's name is prefixed with the plugin's (`<plugin>/<name>`), so it never takes a core name. */
  add(feature: StreamFeature): () => void;
}

export function scopedStreamFeatures(plugin: string, features: StreamFeatures, scope: Scope): PluginStreamFeatures {
  return {
    add: (feature) => scope.own(features.add({ ...feature, name: `${plugin}/${feature.name}` })),
  };
}
