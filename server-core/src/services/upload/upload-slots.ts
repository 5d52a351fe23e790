import crypto from 'node:crypto';
import { Element } from 'ltx';
import { StanzaError, type Jid } from '../../xml';
import { contentTypeAllowed, type UploadConfig } from './upload-config';
import type { UploadStore } from './upload-store';
import { signSlot } from './upload-token';

export const UPLOAD_NS = 'urn:xmpp:http:upload:0';

const CONTENT_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

export interface SlotRequest {
  filename: string;
  size: number;
  contentType: string;
}

/** The request's attributes checked; a bad one answers bad-request naming it. */
export function parseSlotRequest(payload: Element): SlotRequest {
  if (payload.name !== 'request') throw new StanzaError('bad-request', 'expected a <request/> element');
  const rawName = String(payload.attrs.filename ?? '');
  // Only the last path segment, without control characters: the name ends up in a URL and a header.
  // eslint-disable-next-line no-control-regex
  const filename = (rawName.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  if (!filename || filename === '.' || filename === '..') throw new StanzaError('bad-request', 'the request needs a filename attribute');
  const sizeText = String(payload.attrs.size ?? '');
  if (!/^\d{1,15}$/.test(sizeText) || Number(sizeText) < 1) throw new StanzaError('bad-request', 'the size attribute must be a whole number of bytes above 0');
  const contentType = String(payload.attrs['content-type'] ?? 'application/octet-stream').trim().toLowerCase();
  if (!CONTENT_TYPE.test(contentType)) throw new StanzaError('bad-request', 'the content-type attribute must be a MIME type such as "image/png"');
  return { filename, size: Number(sizeText), contentType };
}

function fileTooLarge(max: number, size: number): StanzaError {
  const app = new Element('file-too-large', { xmlns: UPLOAD_NS });
  app.c('max-file-size').t(String(max));
  return new StanzaError('not-acceptable', `the file has ${size} bytes; the largest accepted is ${max} bytes (modules.upload.config.maxFileSize)`, 'modify', app);
}

function quotaReached(quota: number, used: number, retryAt: number | undefined): StanzaError {
  const app = retryAt === undefined ? undefined : new Element('retry', { xmlns: UPLOAD_NS, stamp: new Date(retryAt).toISOString() });
  return new StanzaError('resource-constraint', `this upload would take the account past its quota of ${quota} bytes (${used} in use)`, 'wait', app);
}

/** The path of a file below the listener: `/upload/<id>/<filename>`. */
export function filePath(id: string, filename: string): string {
  return `/upload/${id}/${encodeURIComponent(filename)}`;
}

/**
 * Answers XEP-0363 slot requests: checks the size, content type and the account's quota,
 * records the slot (which counts against the quota until it expires unused) and hands out a
 * signed PUT URL and the GET URL.
 */
export class SlotIssuer {
  constructor(
    private readonly store: UploadStore,
    private readonly secret: string,
    private readonly config: () => UploadConfig,
    private readonly baseUrl: () => string | undefined,
  ) {}

  async issue(from: Jid, request: SlotRequest, now = Date.now()): Promise<Element> {
    const config = this.config();
    const base = this.baseUrl();
    if (base === undefined) throw new StanzaError('service-unavailable', 'uploads need listeners.websocket (or modules.upload.config.publicUrl) on this node', 'cancel');
    if (request.size > config.maxFileSize) throw fileTooLarge(config.maxFileSize, request.size);
    if (!contentTypeAllowed(config, request.contentType)) {
      throw new StanzaError('not-acceptable', `files of type ${request.contentType} are not accepted (modules.upload.config.allowedContentTypes)`, 'modify');
    }
    const username = from.local!;
    const quota = (await this.store.quotaOf(username)) ?? config.quotaBytesPerUser;
    const id = crypto.randomBytes(16).toString('hex');
    const expiresAt = now + config.slotTtlMs;
    const slotRow = { id, username, filename: request.filename, size: request.size, content_type: request.contentType, created_at: now, expires_at: expiresAt };
    const { added, used } = await this.store.addSlotWithinQuota(slotRow, quota);
    if (!added) {
      // Waiting helps only when something of the account's expires and the file fits the quota at all.
      const retryAt = request.size <= quota ? await this.store.nextExpiry(username, now) : undefined;
      throw quotaReached(quota, used, retryAt);
    }
    const token = signSlot(this.secret, { id, filename: request.filename, size: request.size, contentType: request.contentType, expiresAt });
    const url = `${base}${filePath(id, request.filename)}`;
    const slot = new Element('slot', { xmlns: UPLOAD_NS });
    slot.c('put', { url: `${url}?expires=${expiresAt}&token=${token}` });
    slot.c('get', { url });
    return slot;
  }
}
