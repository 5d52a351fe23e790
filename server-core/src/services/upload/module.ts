/**
 * XEP-0363 HTTP File Upload: a service at `upload.<domain>` hands out slots (a signed PUT URL
 * and a GET URL) within the size, type and per-account quota limits, and the WebSocket listener's
 * HTTP side takes the uploads and serves the files under `/upload/`. Files live behind a small storage interface
 * (local disk today, a folder every node of a cluster shares); the senior node removes expired
 * ones.
 */
import path from 'node:path';
import { Element } from 'ltx';
import { z } from 'zod';
import { NS, StanzaError } from '../../xml';
import { HttpError } from '../../http';
import { html } from '../../http/html';
import { formError } from '../../http/form-parts';
import { defineCoreModule } from '../../plugins/core-module';
import { LocalDiskStorage } from './file-storage';
import { removeExpired } from './upload-cleanup';
import { uploadConfigSchema, type UploadConfig } from './upload-config';
import { uploadRequestHandler } from './upload-http';
import { UPLOAD_MIGRATIONS } from './upload-migrations';
import { SlotIssuer, UPLOAD_NS, parseSlotRequest } from './upload-slots';
import { UploadStore } from './upload-store';

const quotaBody = z.object({ quotaBytes: z.number().int().min(0).nullable() }).strict();

/** disco#info with the XEP-0128 form that tells clients the largest file (XEP-0363 section 4). */
function discoInfo(config: UploadConfig): Element {
  const query = new Element('query', { xmlns: NS.DISCO_INFO });
  query.c('identity', { category: 'store', type: 'file', name: 'HTTP File Upload' });
  for (const feature of [NS.DISCO_INFO, NS.DISCO_ITEMS, UPLOAD_NS]) query.c('feature', { var: feature });
  const form = query.c('x', { xmlns: 'jabber:x:data', type: 'result' });
  form.c('field', { var: 'FORM_TYPE', type: 'hidden' }).c('value').t(UPLOAD_NS);
  form.c('field', { var: 'max-file-size' }).c('value').t(String(config.maxFileSize));
  return query;
}

export default defineCoreModule<UploadConfig>({
  name: 'upload',
  description: 'XEP-0363 HTTP File Upload',
  configSchema: uploadConfigSchema,
  migrations: UPLOAD_MIGRATIONS,
  async start(ctx) {
    const config = () => ctx.config.value;
    const store = new UploadStore(ctx.db);
    const storage = new LocalDiskStorage(path.resolve(ctx.core.dataDir, config().storageDir ?? 'uploads'));
    const secret = await store.secret();
    const files = ctx.metrics.counter({ name: 'aim_upload_files_total', help: 'Files uploaded through XEP-0363' });
    const bytes = ctx.metrics.counter({ name: 'aim_upload_bytes_total', help: 'Bytes uploaded through XEP-0363' });
    const slots = ctx.metrics.counter({ name: 'aim_upload_slots_total', help: 'XEP-0363 slot requests by outcome', labelNames: ['result'] as const });

    // Files are served on the WebSocket listener, so a node needs no port of its own for them.
    ctx.onStop(
      ctx.core.publicRoutes.mount(
        '/upload/',
        uploadRequestHandler({
          store,
          storage,
          secret,
          logger: ctx.logger,
          fileTtlMs: () => config().fileTtlMs,
          uploaded: (size) => {
            files.inc();
            bytes.inc(size);
          },
        }),
      ),
    );
    const baseUrl = (): string | undefined => {
      const bound = ctx.core.publicRoutes.address;
      return config().publicUrl ?? (bound ? `${bound.secure ? 'https' : 'http'}://${ctx.domain}:${bound.port}` : undefined);
    };

    const issuer = new SlotIssuer(store, secret, config, baseUrl);
    const component = ctx.components.register(config().address, {
      name: 'HTTP File Upload',
      features: [UPLOAD_NS],
      iq: {
        [NS.DISCO_INFO]: ({ iq, payload }) => {
          if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'service discovery requests are IQ gets');
          if (payload.attrs.node !== undefined) throw new StanzaError('item-not-found', `no node ${String(payload.attrs.node)}`);
          return discoInfo(config());
        },
        [UPLOAD_NS]: async ({ iq, payload, from }) => {
          if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'ask for a slot with an IQ get');
          if (from.domain !== ctx.domain || !from.local) throw new StanzaError('forbidden', 'only accounts of this server may upload');
          try {
            const slot = await issuer.issue(from, parseSlotRequest(payload));
            slots.inc({ result: 'granted' });
            return slot;
          } catch (err) {
            if (err instanceof StanzaError) {
              slots.inc({ result: err.condition });
              ctx.logger.debug({ user: from.bare, condition: err.condition, reason: err.text }, 'upload slot refused');
            }
            throw err;
          }
        },
      },
    });
    ctx.logger.debug({ service: component.domain }, 'upload service registered');

    // Every node runs the timer; only the senior acts, so each expired file is removed once.
    ctx.timers.setInterval(async () => {
      if (ctx.cluster.isSenior()) await removeExpired(store, storage, ctx.logger);
    }, config().cleanupIntervalMs);

    ctx.admin.route('GET', '/usage', async () => ({ users: await store.usage(Date.now()) }));
    ctx.admin.route('PUT', '/quotas/:user', async ({ params, body }) => {
      const parsed = quotaBody.safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'invalid-body', 'expected { "quotaBytes": <bytes> } or { "quotaBytes": null } for the default');
      if (!(await ctx.core.stores.accounts.exists(params.user))) throw new HttpError(404, 'not-found', `no account ${params.user}`);
      await store.setQuota(params.user, parsed.data.quotaBytes);
      return { user: params.user, quotaBytes: parsed.data.quotaBytes ?? config().quotaBytesPerUser };
    });
    ctx.console.asset('upload.js', path.join(__dirname, 'console', 'upload.js'));
    ctx.console.page({
      title: 'Uploads',
      nav: 'Uploads',
      render: () => html`<section data-page="upload">
        ${formError}
        <p class="hint">Files stored through XEP-0363 HTTP File Upload, per account: <strong id="upload-total"></strong></p>
        <table id="upload-usage"><thead><tr><th>Account</th><th>Files</th><th>Bytes</th></tr></thead><tbody></tbody></table>
      </section>`,
      scripts: ['upload.js'],
    });
    ctx.admin.route('POST', '/cleanup', async () => ({ removed: await removeExpired(store, storage, ctx.logger) }));
  },
});
