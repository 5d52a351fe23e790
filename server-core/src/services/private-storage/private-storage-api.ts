import type { Element } from 'ltx';

/** Where another module keeps one namespace of XEP-0049 storage instead of the private_storage table. */
export interface PrivateNamespaceBackend {
  /** The stored element (for a get), or undefined when nothing is stored. */
  get(owner: string): Promise<Element | undefined>;
  set(owner: string, element: Element): Promise<void>;
}

/** XEP-0049 private XML storage, for the server's modules. Owners are bare JIDs of local accounts. */
export interface PrivateStorage {
  /** Hands one namespace to `backend` (XEP-0402 keeps storage:bookmarks in PEP); the returned undo hands it back. */
  override(namespace: string, backend: PrivateNamespaceBackend): () => void;
  /** The element as stored in the table, ignoring overrides. */
  stored(owner: string, namespace: string): Promise<Element | undefined>;
  /** Stores the element in the table, ignoring overrides. */
  store(owner: string, element: Element): Promise<void>;
}
