/**
 * The services modules offer each other, by name and type. Each provider declares its entry
 * next to its definition, by declaration merging (so this file knows no feature), e.g. the
 * blocking module:
 * `declare module '../core/service-registry' { interface ServiceMap { blocking: BlockingCheck } }`.
 * A plugin adds its own the same way, through the path it imports the server from.
 */
export interface ServiceMap {}

export type ServiceName = keyof ServiceMap & string;

/** A service that may come and go at run time (an optional dependency): read `current` when used. */
export interface ServiceRef<T> {
  readonly current: T | undefined;
}

interface Provided {
  owner: string;
  impl: unknown;
}

/**
 * Who provides which service on this node. Modules resolve what they use once, at start:
 * a required service as the object itself, an optional one as a `ServiceRef` whose `current`
 * follows the provider starting and stopping, so nothing looks a service up per stanza.
 */
export class ServiceRegistry {
  private readonly provided = new Map<string, Provided>();
  private readonly refs = new Map<string, { current: unknown }>();

  /** Returns the undo (run when the provider stops). */
  provide<K extends ServiceName>(owner: string, name: K, impl: ServiceMap[K]): () => void {
    const existing = this.provided.get(name);
    if (existing) throw new Error(`module ${owner} cannot provide "${name}": module ${existing.owner} already provides it`);
    const entry: Provided = { owner, impl };
    this.provided.set(name, entry);
    this.refOf(name).current = impl;
    return () => {
      if (this.provided.get(name) !== entry) return;
      this.provided.delete(name);
      this.refOf(name).current = undefined;
    };
  }

  get<K extends ServiceName>(name: K): ServiceMap[K] | undefined {
    return this.provided.get(name)?.impl as ServiceMap[K] | undefined;
  }

  /** The module that provides `name` now, if any. */
  ownerOf(name: string): string | undefined {
    return this.provided.get(name)?.owner;
  }

  ref<K extends ServiceName>(name: K): ServiceRef<ServiceMap[K]> {
    return this.refOf(name) as ServiceRef<ServiceMap[K]>;
  }

  private refOf(name: string): { current: unknown } {
    let ref = this.refs.get(name);
    if (!ref) this.refs.set(name, (ref = { current: undefined }));
    return ref;
  }
}
