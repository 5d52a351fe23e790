import type { Element } from 'ltx';
import type { Logger } from '../../log';
import type { ComponentHandler } from '../../routing';
import type { ComponentStream } from '../../stream';
import { StanzaError, parseXml } from '../../xml';
import type { ComponentDirectory } from './component-directory';

/** The cluster message topic stanzas for a component connected to another node travel on. */
export const RELAY_TOPIC = 'relay';

interface Relayed {
  domain: string;
  xml: string;
}

export interface RelayDeps {
  nodeId: string;
  directory: ComponentDirectory;
  send(node: string, topic: string, payload: string): void;
  reject(stanza: Element, error: StanzaError): void;
  /** A stanza was written to a component of this node. */
  delivered(): void;
  logger: Logger;
}

/**
 * Delivers stanzas addressed to an external component: to its stream when it is connected to
 * this node, through the cluster to the node holding it otherwise, and back to the sender as
 * `service-unavailable` when it is connected nowhere (or its node is gone).
 */
export class ComponentRelay {
  private readonly links = new Map<string, ComponentStream>();

  constructor(private readonly deps: RelayDeps) {}

  /** The stream of this node that holds (or is claiming) a domain. */
  link(domain: string): ComponentStream | undefined {
    return this.links.get(domain);
  }

  attach(domain: string, stream: ComponentStream): void {
    this.links.set(domain, stream);
  }

  /** True when `stream` held the domain here. */
  detach(domain: string, stream: ComponentStream): boolean {
    if (this.links.get(domain) !== stream) return false;
    this.links.delete(domain);
    return true;
  }

  /** Domains held by streams of this node. */
  get size(): number {
    return this.links.size;
  }

  all(): ComponentStream[] {
    return [...this.links.values()];
  }

  /** The router's handler for one configured component domain. */
  handler(domain: string): ComponentHandler {
    return (stanza) => {
      if (this.writeLocally(domain, stanza)) return;
      const route = this.deps.directory.get(domain);
      if (route && route.node !== this.deps.nodeId) {
        const payload: Relayed = { domain, xml: stanza.toString() };
        this.deps.send(route.node, RELAY_TOPIC, JSON.stringify(payload));
        return;
      }
      throw new StanzaError('service-unavailable', `the component ${domain} is not connected`);
    };
  }

  /** A stanza another node relayed for a component it believes is connected here. */
  received(payload: string): void {
    let message: Relayed;
    let stanza: Element;
    try {
      message = JSON.parse(payload) as Relayed;
      stanza = parseXml(message.xml);
    } catch (err) {
      this.deps.logger.error({ err }, 'unreadable component stanza from another node');
      return;
    }
    // The component left between the other node's lookup and now.
    if (!this.writeLocally(message.domain, stanza)) this.deps.reject(stanza, new StanzaError('service-unavailable', `the component ${message.domain} is not connected`));
  }

  private writeLocally(domain: string, stanza: Element): boolean {
    const stream = this.links.get(domain);
    if (!stream?.isConnected) return false;
    stream.send(stanza);
    this.deps.delivered();
    return true;
  }
}
