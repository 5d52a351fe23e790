import { z } from 'zod';
import { HttpError, type JsonValue } from '@asterisk-im/server-core';
import { AmiLinkError, amiField, type AmiEvent } from '../ami';
import type { AsteriskImRuntime } from '../runtime';

export const LIST_ENDPOINTS_TASK = 'list-endpoints';
const TASK_TIMEOUT_MS = 12_000;

/** One PJSIP endpoint as the device pick-list shows it. */
export interface EndpointEntry {
  device: string;
  name: string;
  /** Asterisk's device state text: `Not in use`, `In use`, `Unavailable`, … */
  state: string;
  registered: boolean;
}

type EndpointAnswer = { ok: true; endpoints: EndpointEntry[] } | { ok: false; status: number; code: string; message: string };

const endpointAnswerSchema: z.ZodType<EndpointAnswer> = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    endpoints: z.array(z.object({ device: z.string(), name: z.string(), state: z.string(), registered: z.boolean() })),
  }),
  z.object({ ok: z.literal(false), status: z.number().int(), code: z.string(), message: z.string() }),
]);

/** The senior's answer comes over the cluster: checked before it is used; undefined when it is no endpoint answer. */
export function parseEndpointAnswer(reply: unknown): EndpointAnswer | undefined {
  const parsed = endpointAnswerSchema.safeParse(reply);
  return parsed.success ? parsed.data : undefined;
}

function toEntry(item: AmiEvent): EndpointEntry | undefined {
  const name = amiField(item, 'ObjectName');
  if (!name) return undefined;
  return { device: `PJSIP/${name}`, name, state: amiField(item, 'DeviceState') ?? '', registered: (amiField(item, 'Contacts') ?? '') !== '' };
}

/** Senior side: asks Asterisk for its PJSIP endpoints over the link only the senior holds. */
export async function listEndpointsOnSenior(runtime: AsteriskImRuntime, payload: unknown): Promise<EndpointAnswer> {
  const parsed = z.object({ server: z.string().min(1).max(64) }).safeParse(payload);
  if (!parsed.success) return { ok: false, status: 400, code: 'invalid-body', message: 'server: is required' };
  const { server } = parsed.data;
  if (!runtime.store.servers.get(server)) return { ok: false, status: 404, code: 'not-found', message: `no Asterisk server named ${server}` };
  const link = runtime.links.linkFor(server);
  if (!link || link.state !== 'connected' || !runtime.ctx.cluster.isSenior()) {
    return { ok: false, status: 503, code: 'no-link', message: `no connection to the Asterisk server ${server}` };
  }
  try {
    const list = await link.listAction({ Action: 'PJSIPShowEndpoints' });
    const endpoints = list.items.map(toEntry).filter((e): e is EndpointEntry => e !== undefined);
    return { ok: true, endpoints: endpoints.sort((a, b) => a.name.localeCompare(b.name)) };
  } catch (error) {
    const message = error instanceof AmiLinkError ? `Asterisk: ${error.message}` : 'the endpoint list failed';
    return { ok: false, status: 502, code: 'ami-error', message };
  }
}

/**
 * `GET /servers/:name/endpoints`: the device pick-list, from `PJSIPShowEndpoints` on the
 * senior, each endpoint with the user it is mapped to (or null).
 */
export function registerEndpointRoutes(runtime: AsteriskImRuntime): void {
  const { ctx, store } = runtime;
  ctx.cluster.registerTask(LIST_ENDPOINTS_TASK, async (payload) => listEndpointsOnSenior(runtime, payload));
  ctx.admin.route('GET', '/servers/:name/endpoints', async ({ params }) => {
    let reply: JsonValue | undefined;
    try {
      reply = await ctx.cluster.runOnSenior(LIST_ENDPOINTS_TASK, { server: params.name }, { timeoutMs: TASK_TIMEOUT_MS });
    } catch {
      throw new HttpError(503, 'no-link', 'the node holding the Asterisk connection did not answer');
    }
    const answer = parseEndpointAnswer(reply);
    if (!answer) throw new HttpError(502, 'bad-answer', 'the node holding the Asterisk connection answered something else than an endpoint list');
    if (!answer.ok) throw new HttpError(answer.status, answer.code, answer.message);
    const endpoints = answer.endpoints.map((e) => ({ ...e, user: store.devices.get(e.device)?.user ?? null }));
    return { server: params.name, endpoints };
  });
}
