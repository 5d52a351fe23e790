import type { CoreContext } from './core-context';

/**
 * Announces features in the server's disco#info. The undo removes only the features this call
 * added, so a feature another module also announces stays.
 */
export function addDiscoFeatures(ctx: CoreContext, features: readonly string[]): () => void {
  const added = features.filter((feature) => !ctx.disco.features.has(feature));
  for (const feature of added) ctx.disco.features.add(feature);
  return () => {
    for (const feature of added) ctx.disco.features.delete(feature);
  };
}
