/**
 * XEP-0114 external components: gateways, bots and bridges that run as their own process and
 * connect to a port of their own with a shared secret (`jabber:component:accept`). Each serves a
 * domain (`gateway.example.com`); stanzas to that domain or any address at it go to the component,
 * from whichever node of the cluster it connected to. See docs/components.md.
 */
import path from 'node:path';
import { html } from '../../http/html';
import { AggregatedWarnings } from '../../log';
import { defineCoreModule } from '../../plugins/core-module';
import { jsonPath } from '../../plugins/check-plugin-configs';
import { StreamError, type ComponentStreamHost } from '../../stream';
import { tryParseJid } from '../../xml';
import { ComponentDirectory, claimsFirst, type ComponentRoute } from './component-directory';
import { ComponentRelay, RELAY_TOPIC } from './component-relay';
import { componentsConfigSchema, componentsProblems, type ComponentsConfig } from './components-config';
import { listenForComponents } from './component-listener';

export default defineCoreModule<ComponentsConfig>({
  name: 'components',
  description: 'XEP-0114 external components',
  configSchema: componentsConfigSchema,
  checkWithServer: componentsProblems,
  async start(ctx) {
    const { core } = ctx;
    const config = ctx.config.value;
    const node = core.nodeId;
    const configured = new Map(config.components.map((entry) => [entry.domain, entry]));
    const [problem] = componentsProblems(config, { domain: core.domain });
    if (problem) throw new Error(`${jsonPath(['modules', 'components', 'config', ...problem.path])}: ${problem.message}`);

    const cache = ctx.cluster.createCache<ComponentRoute>('connected', { restoredBy: 'writer' });
    await cache.ready();
    const directory = new ComponentDirectory(cache, node, () => ctx.cluster.members());
    // Left by an earlier run of a node with this id: none of those connections exists any more.
    await directory.removeNode(node);
    ctx.cluster.onNodeLost(({ nodeId }) => directory.removeNode(nodeId));

    const connectedGauge = ctx.metrics.gauge({ name: 'aim_components_connected', help: 'External components (XEP-0114) connected to this node', labelNames: ['node'] as const });
    const stanzas = ctx.metrics.counter({ name: 'aim_component_stanzas_total', help: 'Stanzas external components sent (in) and were sent (out) on this node', labelNames: ['node', 'direction'] as const });
    connectedGauge.set({ node }, 0);
    stanzas.inc({ node, direction: 'in' }, 0);
    stanzas.inc({ node, direction: 'out' }, 0);

    const relay = new ComponentRelay({
      nodeId: node,
      directory,
      send: (to, topic, payload) => ctx.cluster.send(to, topic, payload),
      reject: (stanza, error) => core.router.reject(stanza, error),
      delivered: () => stanzas.inc({ node, direction: 'out' }),
      logger: ctx.logger,
    });
    ctx.cluster.onMessage(RELAY_TOPIC, (payload) => relay.received(payload));
    // Every configured domain is served on every node, connected or not: while its component is
    // away, senders get service-unavailable rather than an attempt to reach it elsewhere.
    for (const domain of configured.keys()) ctx.onStop(core.router.registerComponent(domain, relay.handler(domain)));

    // The server's disco#items lists the components connected anywhere in the cluster.
    const listed = new Map<string, () => void>();
    const syncDisco = () => {
      for (const [domain, entry] of configured) {
        const connected = directory.get(domain) !== undefined;
        if (connected && !listed.has(domain)) listed.set(domain, ctx.disco.addItem({ jid: domain, ...(entry.name ? { name: entry.name } : {}) }));
        if (!connected && listed.has(domain)) {
          listed.get(domain)!();
          listed.delete(domain);
        }
      }
    };

    // Two nodes may accept the same domain at once: the first claim wins everywhere, the other
    // stream ends with `conflict`; a holder whose entry was overwritten or removed writes it again.
    const onEntry = ({ key, value }: { key: string; value: ComponentRoute | undefined }) => {
      syncDisco();
      const link = relay.link(key);
      if (!link?.connectedAt || value?.stream === link.id) return;
      const mine: ComponentRoute = { node, stream: link.id, since: link.connectedAt };
      if (value && directory.isLive(value.node) && claimsFirst(value, mine)) link.close(new StreamError('conflict', `${key} connected to another node first`));
      else directory.set(key, mine).catch((err: unknown) => ctx.logger.warn({ err, component: key }, 'could not claim the component domain again'));
    };
    cache.on('entry', onEntry);
    ctx.onStop(() => cache.off('entry', onEntry));
    ctx.onStop(ctx.cluster.on('memberLeft', syncDisco));
    ctx.onStop(ctx.cluster.on('memberJoined', syncDisco));
    syncDisco();

    // One line per kind of refusal and minute, however often a peer repeats it.
    const refusals = new AggregatedWarnings(ctx.logger);
    ctx.onStop(() => refusals.dispose());
    const host: ComponentStreamHost = {
      logger: ctx.logger,
      options: { maxStanzaBytes: core.limits.maxStanzaBytes, maxDepth: core.limits.maxXmlDepth, maxAttributes: core.limits.maxXmlAttributes, maxPendingWriteBytes: core.limits.maxPendingWriteBytes },
      secretOf: (domain) => configured.get(domain)?.secret,
      async connected(stream) {
        const domain = stream.domain!;
        const held = directory.get(domain);
        if (relay.link(domain) || (held && held.node !== node)) return new StreamError('conflict', `${domain} is already connected`);
        relay.attach(domain, stream);
        await directory.set(domain, { node, stream: stream.id, since: stream.connectedAt! });
        connectedGauge.set({ node }, relay.size);
        ctx.logger.info({ component: domain, stream: stream.id, address: stream.connection.remoteAddress }, 'component connected');
        return undefined;
      },
      async stanza(stream, stanza) {
        const domain = stream.domain!;
        if (!stanza.attrs.from || !stanza.attrs.to) return stream.close(new StreamError('improper-addressing', 'a stanza from a component carries both "from" and "to"'));
        const from = tryParseJid(String(stanza.attrs.from));
        if (!from || from.domain !== domain) return stream.close(new StreamError('invalid-from', `the component ${domain} may only send from ${domain} or addresses at it`));
        stanza.attrs.from = from.full;
        stanzas.inc({ node, direction: 'in' });
        await core.router.route(stanza, from);
      },
      refused(stream, error, domain) {
        if (error.condition === 'system-shutdown') return;
        refusals.warn(`${error.condition} ${domain ?? ''}`, { stream: stream.id, component: domain, condition: error.condition, text: error.text, address: stream.connection.remoteAddress }, 'component stream error');
      },
      closed(stream) {
        const domain = stream.domain;
        if (!domain || !relay.detach(domain, stream)) return;
        connectedGauge.set({ node }, relay.size);
        ctx.logger.info({ component: domain, stream: stream.id }, 'component disconnected');
        directory.release(domain, stream.id).catch((err: unknown) => ctx.logger.warn({ err, component: domain }, 'could not release the component domain'));
      },
    };

    if (config.listener) {
      const listener = await listenForComponents({ ...config.listener, handshakeTimeoutMs: config.handshakeTimeoutMs, keepaliveIntervalMs: config.keepaliveIntervalMs }, host, ctx.timers);
      ctx.onStop(() => listener.close());
      ctx.logger.info({ host: listener.address.host, port: listener.address.port, components: [...configured.keys()] }, 'component listener started');
    }

    ctx.admin.route('GET', '/connected', () => ({
      components: [...configured.values()].map((entry) => {
        const route = directory.get(entry.domain);
        return { domain: entry.domain, ...(entry.name ? { name: entry.name } : {}), connected: route !== undefined, node: route?.node ?? null, since: route ? new Date(route.since).toISOString() : null };
      }),
    }));
    // A console without components configured has no page for them.
    if (configured.size > 0) {
      ctx.console.asset('components.js', path.join(__dirname, 'console', 'components.js'));
      ctx.console.page({
        title: 'Components',
        nav: 'Components',
        render: () => html`<section data-page="components">
          <p class="hint">External components (XEP-0114) this server accepts, and the node each is connected to.</p>
          <table id="components-list"><thead><tr><th>Domain</th><th>Name</th><th>State</th><th>Node</th><th>Since</th></tr></thead><tbody></tbody></table>
        </section>`,
        scripts: ['components.js'],
      });
    }
  },
});
