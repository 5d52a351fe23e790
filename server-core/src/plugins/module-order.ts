/** What ordering needs to know of a module definition. */
export interface OrderedModule {
  name: string;
  depends?: readonly string[];
  optional?: readonly string[];
  provides?: readonly string[];
}

/**
 * Orders modules so every module comes after the providers of what it depends on, and of what
 * it uses optionally unless that closes a cycle, keeping the given order otherwise. A
 * dependency nobody in the list provides is left for the start-time check to report; a cycle
 * of required dependencies is an error naming its modules.
 */
export function dependencyOrder<M extends OrderedModule>(modules: readonly M[]): M[] {
  const providers = new Map<string, M>();
  for (const module of modules) for (const service of module.provides ?? []) providers.set(service, module);
  /** Whether `from` needs `target` through required dependencies, directly or not. */
  const requires = (from: M, target: M, seen = new Set<M>()): boolean => {
    if (seen.has(from)) return false;
    seen.add(from);
    return (from.depends ?? []).some((service) => {
      const provider = providers.get(service);
      return provider === target || (provider !== undefined && requires(provider, target, seen));
    });
  };
  const ordered: M[] = [];
  const state = new Map<M, 'visiting' | 'done'>();
  const visit = (module: M, path: string[]): void => {
    const seen = state.get(module);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`modules depend on each other in a cycle: ${[...path, module.name].join(' -> ')}`);
    state.set(module, 'visiting');
    for (const service of module.depends ?? []) {
      const provider = providers.get(service);
      if (provider && provider !== module) visit(provider, [...path, module.name]);
    }
    // An optional service orders its provider first when it can: where that would close a
    // cycle, the provider comes later and the service shows up once it starts.
    for (const service of module.optional ?? []) {
      const provider = providers.get(service);
      if (provider && provider !== module && state.get(provider) !== 'visiting' && !requires(provider, module)) visit(provider, [...path, module.name]);
    }
    state.set(module, 'done');
    ordered.push(module);
  };
  for (const module of modules) visit(module, []);
  return ordered;
}
