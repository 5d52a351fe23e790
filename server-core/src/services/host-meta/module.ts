import { Element } from 'ltx';
import { z } from 'zod';
import { defineCoreModule } from '../../plugins/core-module';
import type { PublicRequest } from '../../http';

const WEBSOCKET_REL = 'urn:xmpp:alt-connections:websocket';
const XRD_NS = 'http://docs.oasis-open.org/ns/xri/xrd-1.0';

const wsUrl = z
  .string()
  .url('must be a URL such as wss://chat.example.com/xmpp-websocket')
  .refine((url) => /^wss?:\/\//.test(url), 'must start with ws:// or wss://');

const configSchema = z
  .object({
    websocketUrl: wsUrl.optional().describe('The WebSocket address clients use (behind a proxy); empty: built from each request'),
  })
  .strict();

export type HostMetaConfig = z.infer<typeof configSchema>;

/** The WebSocket address as the client reached us: its Host header, wss behind a TLS proxy. */
function websocketUrlOf(request: PublicRequest, path: string, configured: string | undefined): string | undefined {
  if (configured) return configured;
  if (!request.host) return undefined;
  return `${request.secure ? 'wss' : 'ws'}://${request.host}${path}`;
}

/**
 * XEP-0156 discovery of the WebSocket address: `/.well-known/host-meta` (XRD) and
 * `/.well-known/host-meta.json` (JRD) on the public listener that carries XMPP over WebSocket.
 * The server has no BOSH, so only the WebSocket link is listed.
 */
export default defineCoreModule<HostMetaConfig>({
  name: 'host-meta',
  description: 'XEP-0156 host-meta: the WebSocket address for web clients',
  configSchema,
  reconfigure() {
    // Each answer reads ctx.config.value.
  },
  start(ctx) {
    const { publicRoutes } = ctx.core;
    const path = publicRoutes.websocketPath;
    if (path === undefined) {
      ctx.logger.info('host-meta: no WebSocket listener, nothing to advertise');
      return;
    }
    const links = (request: PublicRequest) => {
      const href = websocketUrlOf(request, path, ctx.config.value.websocketUrl);
      return href ? [{ rel: WEBSOCKET_REL, href }] : [];
    };
    ctx.onStop(
      publicRoutes.add('/.well-known/host-meta', (request) => {
        const xrd = new Element('XRD', { xmlns: XRD_NS });
        for (const link of links(request)) xrd.c('Link', link);
        return { status: 200, contentType: 'application/xrd+xml; charset=utf-8', body: `<?xml version='1.0' encoding='utf-8'?>\n${xrd.toString()}\n` };
      }),
    );
    ctx.onStop(
      publicRoutes.add('/.well-known/host-meta.json', (request) => ({
        status: 200,
        contentType: 'application/json; charset=utf-8',
        body: `${JSON.stringify({ links: links(request) })}\n`,
      })),
    );
  },
});
