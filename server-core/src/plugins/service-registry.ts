import type { BlockingCheck } from '../server/core-context';
import type { EntityCaps } from '../services/caps/caps-api';
import type { PepService } from '../services/pep/pep-api';
import type { PresenceService } from '../im/presence-module';
import type { MessageDelivery, OfflineStore } from '../im/message-module';
import type { Carbons } from '../im/carbons';

/**
 * The services modules offer each other, by name. A plugin that provides one of its own adds
 * it here by declaration merging:
 * `declare module '@asterisk-im/server-core/src/plugins/service-registry' { interface ServiceMap { phonebook: Phonebook } }`.
 */
export interface ServiceMap {
  /** XEP-0191: whether a user blocks a JID (module `blocking`). */
  blocking: BlockingCheck;
  /** XEP-0115: what each available resource advertised (module `caps`). */
  caps: EntityCaps;
  /** XEP-0163: personal eventing on users' behalf (module `pep`). */
  pep: PepService;
  /** RFC 6121 presence of local sessions and to local users (module `presence`). */
  presence: PresenceService;
  /** RFC 6121 message delivery to local users (module `messages`). */
  messages: MessageDelivery;
  /** XEP-0280 `<received/>` copies (module `carbons`). */
  carbons: Pick<Carbons, 'copyReceived'>;
  /** XEP-0160 storage for absent users (module `offline`). */
  offline: OfflineStore;
}

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
