import type { Element } from 'ltx';
import { StanzaError, parseXml } from '../../xml';
import type { Logger } from '../../log';
import type { PrivateNamespaceBackend, PrivateStorage } from './private-storage-api';
import type { PrivateStore } from './private-store';

const localOf = (bareJid: string): string => bareJid.slice(0, bareJid.indexOf('@'));

/** Private XML per account and namespace, in the table unless a module took the namespace over. */
export class PrivateStorageService implements PrivateStorage {
  private readonly backends = new Map<string, PrivateNamespaceBackend>();

  constructor(
    private readonly table: PrivateStore,
    private readonly maxElementBytes: number,
    private readonly logger: Logger,
  ) {}

  override(namespace: string, backend: PrivateNamespaceBackend): () => void {
    if (this.backends.has(namespace)) throw new Error(`private storage of ${namespace} is kept elsewhere already`);
    this.backends.set(namespace, backend);
    return () => {
      if (this.backends.get(namespace) === backend) this.backends.delete(namespace);
    };
  }

  get(owner: string, namespace: string): Promise<Element | undefined> {
    return this.backends.get(namespace)?.get(owner) ?? this.stored(owner, namespace);
  }

  async set(owner: string, element: Element): Promise<void> {
    const backend = this.backends.get(String(element.attrs.xmlns));
    return backend ? backend.set(owner, element) : this.store(owner, element);
  }

  async stored(owner: string, namespace: string): Promise<Element | undefined> {
    const xml = await this.table.get(localOf(owner), namespace);
    if (xml === undefined) return undefined;
    try {
      return parseXml(xml);
    } catch (err) {
      this.logger.error({ err, owner, namespace }, 'unreadable private storage element');
      return undefined;
    }
  }

  async store(owner: string, element: Element): Promise<void> {
    this.checkSize(element);
    await this.table.set(localOf(owner), String(element.attrs.xmlns), element.toString());
  }

  checkSize(element: Element): void {
    const size = Buffer.byteLength(element.toString(), 'utf8');
    if (size > this.maxElementBytes) {
      throw new StanzaError('not-acceptable', `this element has ${size} bytes, more than private storage keeps per namespace (private-storage maxElementBytes is ${this.maxElementBytes})`);
    }
  }
}
