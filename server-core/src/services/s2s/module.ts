import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { defineCoreModule, type CoreModuleContext } from '../../plugins/core-module';
import { StreamError } from '../../stream';
import { listenServerToServer, type Listener, type PeerCertificateStatus, type SocketConnection } from '../../transport';
import type { JsonValue } from '../../cluster/types';
import { html } from '../../http/html';
import { s2sConfigSchema, type S2sConfig } from './config';
import { DialbackKeys } from './dialback-key';
import { IncomingStream, type IncomingHost } from './incoming-stream';
import { OutgoingLinks } from './outgoing-links';
import { DomainRates } from './domain-rates';
import type { LinkView } from './link-view';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** Server-to-server federation: the links of every node. */
    s2s: { links(): Promise<LinkView[]> };
  }
}

/** Nesting and attributes a remote server's stanzas may use; the size is configurable (maxStanzaBytes). */
const XML_SHAPE = { maxDepth: 64, maxAttributes: 64 };

/**
 * Server-to-server federation (RFC 6120): a listener for remote servers (STARTTLS on 5269,
 * optionally direct TLS on 5270), one outgoing link per remote domain per node, SASL EXTERNAL
 * with certificates and Server Dialback (XEP-0220) as the fallback. The router hands it every
 * stanza for a domain that is neither ours nor a component's; what remote servers send is
 * routed like any local stanza, so it reaches the node holding the session.
 */
export default defineCoreModule<S2sConfig>({
  name: 's2s',
  description: 'Server-to-server federation (RFC 6120, XEP-0220 Server Dialback, SASL EXTERNAL)',
  enabledByDefault: false,
  configSchema: s2sConfigSchema,
  provides: ['s2s'],
  async start(ctx) {
    const { core } = ctx;
    const config = (): S2sConfig => ctx.config.value;
    const keys = new DialbackKeys(config().dialbackSecret ?? (await sharedSecret(ctx)));
    const ca = readCertificateAuthorities(config().caFile);
    const credentials = { cert: core.tlsCredentials.cert, key: core.tlsCredentials.key, ca };
    const secureContext = tls.createSecureContext(credentials);
    const limits = () => ({ maxStanzaBytes: config().maxStanzaBytes, ...XML_SHAPE });
    const logger = ctx.logger;

    // Labelled by node, like the core's metrics: several nodes in one process share the registry.
    const node = ctx.nodeId;
    const linksGauge = ctx.metrics.gauge({ name: 'aim_s2s_links', help: 'Authenticated server-to-server links on this node', labelNames: ['node', 'direction'] as const });
    const stanzasTotal = ctx.metrics.counter({ name: 'aim_s2s_stanzas_total', help: 'Stanzas sent to and received from remote servers', labelNames: ['node', 'direction'] as const });
    const bouncedTotal = ctx.metrics.counter({ name: 'aim_s2s_bounced_total', help: 'Stanzas for remote domains returned to their sender', labelNames: ['node', 'condition'] as const });
    const authTotal = ctx.metrics.counter({ name: 'aim_s2s_authentications_total', help: 'Remote servers authenticating to us, by method and result', labelNames: ['node', 'method', 'result'] as const });

    const incoming = new Set<IncomingStream>();
    const rates = new DomainRates(() => config().stanzasPerSecond);
    const updateGauges = () => {
      linksGauge.set({ node, direction: 'outgoing' }, outgoing.authenticated().length);
      linksGauge.set({ node, direction: 'incoming' }, [...incoming].reduce((n, stream) => n + stream.authenticatedDomains.size, 0));
    };
    const outgoing = new OutgoingLinks({
      config,
      keys: () => keys,
      secureContext: () => secureContext,
      limits,
      logger,
      bounce: (stanza, error) => {
        bouncedTotal.inc({ node, condition: error.condition });
        core.router.reject(stanza, error);
      },
      changed: updateGauges,
    });
    updateGauges();

    const certificateProves = (status: PeerCertificateStatus | undefined, domain: string): boolean => {
      if (!status?.certificate) return false;
      if (tls.checkServerIdentity(domain, status.certificate) !== undefined) return false;
      return status.authorized || config().insecureDomains.includes(domain);
    };

    const host: IncomingHost = {
      domain: core.domain,
      get requireTls() {
        return config().requireTls;
      },
      get dialback() {
        return config().dialback;
      },
      serves: (domain) => domain === core.domain || core.router.hasComponent(domain),
      isOurKey: (receiving, originating, streamId, key) => keys.verify(receiving, originating, streamId, key),
      verifyDialback: async (originating, receiving, streamId, key) => {
        const verdict = await verifyWithAuthoritative(outgoing, receiving, originating, streamId, key, config().connectTimeoutMs);
        authTotal.inc({ node, method: 'dialback', result: verdict });
        if (verdict !== 'valid') logger.warn({ remote: originating, receiving, verdict }, 'a remote server failed dialback');
        return verdict;
      },
      certificateProves,
      get authTimeoutMs() {
        return config().connectTimeoutMs;
      },
      admit: (domain) => rates.admit(domain),
      authenticated: (stream, domain, method) => {
        if (method === 'sasl-external') authTotal.inc({ node, method, result: 'valid' });
        logger.info({ remote: domain, method, address: stream.connection.remoteAddress }, 'incoming server-to-server link up');
        updateGauges();
      },
      closed: (stream) => {
        incoming.delete(stream);
        for (const domain of stream.authenticatedDomains.keys()) {
          if (![...incoming].some((other) => other.authenticatedDomains.has(domain))) rates.forget(domain);
        }
        updateGauges();
      },
      route: async (stanza, from) => {
        stanzasTotal.inc({ node, direction: 'in' });
        // The router answers what fails with an error to the sender; nothing it throws is the peer's doing.
        await core.router.route(stanza, from).catch((err: unknown) => logger.error({ err }, 'routing a stanza from a remote server failed'));
      },
    };
    const accept = (connection: SocketConnection) => {
      const stream = new IncomingStream(connection, host, { limits: limits(), idleTimeoutMs: config().idleTimeoutMs, logger });
      if (incoming.size >= config().maxIncomingStreams) return stream.fail(new StreamError('resource-constraint', 'too many server-to-server streams on this node'));
      incoming.add(stream);
    };

    const listeners: Listener[] = [];
    ctx.onStop(async () => {
      outgoing.stop();
      for (const stream of [...incoming]) stream.fail(new StreamError('system-shutdown'));
      await Promise.all(listeners.map((listener) => listener.close()));
    });
    const { listener, directTlsListener } = config();
    if (listener) listeners.push(await listenServerToServer(listener.host, listener.port, 'starttls', credentials, accept));
    if (directTlsListener) listeners.push(await listenServerToServer(directTlsListener.host, directTlsListener.port, 'direct-tls', credentials, accept));
    ctx.onStop(
      core.router.setRemoteDomains((stanza, from, to) => {
        stanzasTotal.inc({ node, direction: 'out' });
        // A stanza from one of our components leaves on a link that authenticated that component's domain.
        outgoing.send(stanza, host.serves(from.domain) ? from.domain : core.domain, to);
      }),
    );
    logger.info({ listeners: listeners.map((l) => l.address), routes: Object.keys(config().routes) }, 'federation started');

    const localLinks = (): LinkView[] => [
      ...outgoing.authenticated().map(({ local, domain, method, since, address }) => ({ localDomain: local, remoteDomain: domain, direction: 'outgoing' as const, authMethod: method, since: since.toISOString(), node: ctx.nodeId, address })),
      ...[...incoming].flatMap((stream) =>
        [...stream.authenticatedDomains].map(([domain, method]) => ({ localDomain: stream.localDomain ?? core.domain, remoteDomain: domain, direction: 'incoming' as const, authMethod: method, since: stream.since.toISOString(), node: ctx.nodeId, address: stream.connection.remoteAddress })),
      ),
    ];
    ctx.cluster.registerTask('links', () => localLinks() as unknown as JsonValue);
    /** Every node's links: incoming ones land on any node, outgoing ones are per node. */
    const clusterLinks = async (): Promise<LinkView[]> => {
      const results = await ctx.cluster.runOnAll('links', null);
      return results.flatMap((result) => (result.ok ? (result.value as unknown as LinkView[]) : []));
    };
    ctx.provide('s2s', { links: clusterLinks });
    ctx.admin.route('GET', '/links', async () => ({ links: await clusterLinks() }) as unknown as JsonValue);
    ctx.admin.route('GET', '/listeners', () => ({ listeners: listeners.map((l) => l.address) }) as unknown as JsonValue);
    ctx.console.asset('s2s.js', path.join(__dirname, 'console', 's2s.js'));
    ctx.console.page({
      title: 'Federation',
      nav: 'Federation',
      render: () => html`<section data-page="s2s">
        <p class="hint">Server-to-server links of every node: our domain (the server's or a component's) and the remote one, which way the stream goes, how the remote server proved its name, and since when.</p>
        <table id="s2s-links"><thead><tr><th>Our domain</th><th>Remote domain</th><th>Direction</th><th>Authentication</th><th>Since</th><th>Node</th><th>Address</th></tr></thead><tbody></tbody></table>
      </section>`,
      scripts: ['s2s.js'],
    });
  },
});

/** The dialback secret every node shares: the first node to start makes it, the others read it. */
async function sharedSecret(ctx: CoreModuleContext<S2sConfig>): Promise<string> {
  const cache = ctx.cluster.createCache<string>('dialback-secret', {});
  await cache.ready();
  const existing = cache.get('secret');
  if (existing) return existing;
  await cache.set('secret', randomBytes(32).toString('hex'));
  return cache.get('secret')!;
}

function readCertificateAuthorities(caFile: string | undefined): string[] | undefined {
  if (!caFile) return undefined;
  try {
    return [fs.readFileSync(caFile, 'utf8')];
  } catch (err) {
    throw new Error(`modules.s2s.config.caFile: cannot read ${caFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Asks the authoritative server of `originating` whether the key is theirs: over our
 * authenticated link to it when this node has one, else over a short stream of its own.
 */
async function verifyWithAuthoritative(outgoing: OutgoingLinks, receiving: string, originating: string, streamId: string, key: string, timeoutMs: number): Promise<'valid' | 'invalid' | 'unreachable'> {
  let own: Awaited<ReturnType<OutgoingLinks['openVerifyStream']>> | undefined;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'unreachable'>((resolve) => (timer = setTimeout(() => resolve('unreachable'), timeoutMs)));
  const ask = (async () => {
    let link = outgoing.readyStream(receiving, originating);
    if (!link) {
      own = await outgoing.openVerifyStream(receiving, originating);
      // Came up after the check gave up: nobody needs it.
      if (settled) own.close();
      link = own;
    }
    return (await link.verify(streamId, key)) ? ('valid' as const) : ('invalid' as const);
  })().catch(() => 'unreachable' as const);
  try {
    return await Promise.race([ask, timeout]);
  } finally {
    settled = true;
    clearTimeout(timer);
    // The stream opened for this check closes with it (an unanswered verify then resolves as invalid).
    own?.close();
  }
}
