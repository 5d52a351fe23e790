/** Test plugin: uses the extension points (metrics, console pages, ...) the way a real plugin would. */
import path from 'node:path';
import { Element } from 'ltx';
import { z } from 'zod';
import { definePlugin, html } from '@asterisk-im/server-core';

export const FEATURE_NS = 'urn:test:extension-points:feature';

/** The node-lost calls this plugin got, read by tests (one module instance per test file). */
export const lostNodes: Array<{ nodeId: string; resources: string[] }> = [];

export default definePlugin({
  name: 'extension-points',
  version: '1.0.0',
  configSchema: z.object({}).strict(),
  start(ctx) {
    ctx.metrics.counter({ name: 'aim_extension_points_hits_total', help: 'Test counter of the extension-points plugin' }).inc(3);
    ctx.admin.route('GET', '/hits', () => ({ hits: 3 }));
    ctx.streamFeatures.add({
      name: 'echo',
      offeredIn: 'post-auth',
      advertise: () => new Element('echo', { xmlns: FEATURE_NS }),
      handledIn: 'bound',
      handles: (element) => element.name === 'ping' && element.attrs.xmlns === FEATURE_NS,
      handle: (element, stream) => stream.write(new Element('pong', { xmlns: FEATURE_NS, of: stream.username ?? '' }).t(element.getText())),
    });
    ctx.cluster.onNodeLost(({ nodeId, resources }) => void lostNodes.push({ nodeId, resources: resources.map((r) => r.fullJid) }));
    ctx.console.asset('extension-points.js', path.join(__dirname, 'assets/extension-points.js'));
    ctx.console.asset('extension-points.css', path.join(__dirname, 'assets/extension-points.css'));
    ctx.console.page({
      title: 'Extension points',
      nav: 'Extensions',
      render: ({ user }) => html`<section data-page="extension-points"><p id="ep-user">Hello ${user}</p><p id="ep-hits"></p></section>`,
      scripts: ['extension-points.js'],
      styles: ['extension-points.css'],
    });
  },
});
