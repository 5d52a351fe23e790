import { z } from 'zod';
import { HttpError } from '@asterisk-im/server-core';
import { testConnection } from '../ami';
import type { AsteriskImRuntime } from '../runtime';
import type { AsteriskServer } from '../store/types';
import { serverFields } from '../store/validation';
import { notFound, parseBody, storeChange } from './admin-errors';

/** `***` is what the API shows for a secret; sending it back means "keep the stored one". */
const MASKED = '***';
const secretInput = z.union([z.literal(MASKED), serverFields.secret]).optional();

const serverBody = z.object({ host: serverFields.host, port: serverFields.port.optional(), username: serverFields.username, secret: secretInput, tls: serverFields.tls.optional() }).strict();
const newServerBody = serverBody.extend({ name: serverFields.name });
/** Testing may override any stored field, so an edited form can be tried before it is saved. */
const testBody = serverBody.partial().strict();

function keptSecret(secret: string | undefined): string | undefined {
  return secret === MASKED ? undefined : secret;
}

export function registerServerRoutes(runtime: AsteriskImRuntime): void {
  const { ctx, store } = runtime;

  ctx.admin.route('GET', '/servers', () => ({ servers: store.servers.list() }));

  ctx.admin.route('GET', '/servers/:name', ({ params }) => {
    const server = store.servers.get(params.name);
    if (!server) throw notFound(`no Asterisk server named ${params.name}`);
    return server;
  });

  ctx.admin.route('POST', '/servers', async ({ body }) => {
    const input = parseBody(newServerBody, body);
    const saved = await storeChange(() => store.servers.add({ ...input, secret: keptSecret(input.secret) }));
    return { status: 201, body: saved };
  });

  ctx.admin.route('PUT', '/servers/:name', async ({ params, body }) => {
    const input = parseBody(serverBody.partial(), body);
    if (!store.servers.get(params.name)) throw notFound(`no Asterisk server named ${params.name}`);
    const saved = await storeChange(() => store.servers.update(params.name, withoutUndefined({ ...input, secret: keptSecret(input.secret) })));
    return saved;
  });

  ctx.admin.route('DELETE', '/servers/:name', async ({ params }) => {
    if (!(await storeChange(() => store.servers.remove(params.name)))) throw notFound(`no Asterisk server named ${params.name}`);
  });

  ctx.admin.route('POST', '/servers/:name/test', async ({ params, body }) => {
    const overrides = parseBody(testBody, body);
    const stored = store.credentials(params.name);
    if (!stored) throw notFound(`no Asterisk server named ${params.name}`);
    const destination = { ...stored, ...withoutUndefined(overrides) };
    const given = keptSecret(overrides.secret);
    // The stored secret goes only where it is stored for: otherwise anyone with API access could
    // have it sent to a host of their choosing, in the clear if TLS was turned off.
    if (!given && !sameDestination(destination, stored)) throw secretRequired();
    const candidate: AsteriskServer = { ...destination, secret: given ?? stored.secret };
    const missing = (['host', 'username', 'secret'] as const).find((field) => !candidate[field]);
    if (missing) throw new HttpError(400, 'invalid-body', `${missing}: is required`, missing);
    const result = await testConnection({ ...linkTimeouts(runtime), ...candidate, logger: ctx.logger });
    return result;
  });
}

function sameDestination(candidate: AsteriskServer, stored: AsteriskServer): boolean {
  return candidate.host === stored.host && candidate.port === stored.port && candidate.tls === stored.tls;
}

function secretRequired(): HttpError {
  return new HttpError(
    400,
    'secret-required',
    'secret: the stored secret is only sent to the stored host, port and TLS setting; to test other settings, send the secret with them',
    'secret',
  );
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The operator's link timeouts, so a test fails the way the real link would. */
function linkTimeouts(runtime: AsteriskImRuntime): { connectTimeoutMs?: number; actionTimeoutMs?: number } {
  const { connectTimeoutMs, actionTimeoutMs } = runtime.ctx.config.value.link;
  return withoutUndefined({ connectTimeoutMs, actionTimeoutMs });
}
