import type { Logger } from '../log';
import type { Cluster } from '../cluster/types';
import type { Stores } from '../storage/stores';
import type { StanzaRouter, IqHandlers, InterceptorChain } from '../routing';
import type { ClientSession, LocalSessions, RouteTable, SessionEnding, SessionEvents } from '../session';
import type { EventBus } from '../lifecycle/event-bus';
import type { ServiceRegistry } from './service-registry';
import type { NodeLostHandlers } from '../cluster/node-lost-handlers';
import type { StreamFeatures } from '../stream/stream-features';
import type { PublicRoutes } from '../http/public-routes';

/** Events of this node's sessions (see session/session-ports.ts). */
export type CoreEvents = SessionEvents;

export interface CoreLimits {
  offlineMessagesPerUser: number;
  offlineBytesPerUser: number;
  rosterItemsPerUser: number;
  blocklistItemsPerUser: number;
  maxVCardBytes: number;
  pepNodesPerUser: number;
  maxPepItemBytes: number;
  maxSessionsPerUser: number;
  /** How long the server waits for a client's answer to its entity-capabilities disco#info request. */
  capsQueryTimeoutMs: number;
  /** The parse budget of every stream (client and external component): `limits.maxStanzaBytes`, `maxXmlDepth`, `maxXmlAttributes`. */
  maxStanzaBytes: number;
  maxXmlDepth: number;
  maxXmlAttributes: number;
  /** Output a peer may leave unread before it is cut off. */
  maxPendingWriteBytes: number;
}

/** Answers whether `owner` (bare JID) blocks `other` (any JID) per XEP-0191. */
export interface BlockingCheck {
  isBlocked(owner: string, other: string): Promise<boolean>;
}

/** Server identity, features and items for service discovery (XEP-0030). */
export interface DiscoInfoProvider {
  features: Set<string>;
  /** Features every account's bare JID shows in its disco#info, next to PEP's (e.g. XEP-0402's bookmarks compatibility). */
  accountFeatures: Set<string>;
  identities: Array<{ category: string; type: string; name?: string }>;
  items: Array<{ jid: string; name?: string; node?: string }>;
}

/**
 * Everything the server's own modules (im/, services/) and the plugin host work with.
 * One instance per node.
 */
export interface CoreContext {
  readonly domain: string;
  readonly nodeId: string;
  /** The node's data folder (absolute), where modules keep files of their own (uploads, ...). */
  readonly dataDir: string;
  /** The server's TLS certificate and key (PEM): what listeners outside the core, such as federation's, present. */
  readonly tlsCredentials: { readonly cert: string; readonly key: string };
  readonly logger: Logger;
  readonly stores: Stores;
  readonly cluster: Cluster;
  readonly sessions: LocalSessions;
  readonly routes: RouteTable;
  readonly router: StanzaRouter;
  readonly iqHandlers: IqHandlers;
  readonly interceptors: InterceptorChain;
  /** Listeners are isolated: one that throws is logged and skipped, never breaks the emitter. */
  readonly events: EventBus<CoreEvents>;
  /** Ends sessions anywhere in the cluster (takeover, kick, revoked credentials). */
  readonly sessionEnding: SessionEnding;
  readonly limits: CoreLimits;
  /** Server disco#info/items; plugins add features and items (removed again when they stop). */
  readonly disco: DiscoInfoProvider;
  /** Services modules provide each other (see ctx.provide / ctx.use); resolved at module start. */
  readonly services: ServiceRegistry;
  /** Who cleans what when a node leaves without cleaning up; server/node-loss.ts calls them. */
  readonly nodeLost: NodeLostHandlers;
  /** What client streams offer and answer besides stanzas (STARTTLS, SASL, bind, and what modules add). */
  readonly streamFeatures: StreamFeatures;
  /** Routes on the public (WebSocket) HTTP listener: exact GET paths (host-meta) and path prefixes a module serves itself (XEP-0363 uploads). */
  readonly publicRoutes: PublicRoutes;
  /** Publishes a session's availability and priority to the cluster route table. */
  updateRoute(session: ClientSession): Promise<void>;
}
