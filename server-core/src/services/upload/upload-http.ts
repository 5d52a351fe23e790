import http from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import type { Logger } from '../../log';
import type { FileStorage } from './file-storage';
import type { UploadStore } from './upload-store';
import { verifySlot } from './upload-token';

export interface UploadHttpOptions {
  store: UploadStore;
  storage: FileStorage;
  secret: string;
  fileTtlMs: () => number;
  logger: Logger;
  /** Called once per file stored, with its size. */
  uploaded(bytes: number): void;
}

/** Types a browser may show in place; anything else is served as an attachment, never rendered. */
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp|avif)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|text\/plain)$/;

const PATH = /^\/upload\/([0-9a-f]{32})\/([^/]+)$/;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, PUT, OPTIONS',
  'access-control-allow-headers': 'Content-Type',
  'access-control-max-age': '86400',
};

/** Fails the stream as soon as more than `limit` bytes pass, so an oversized body is never written out whole. */
class ByteLimit extends Transform {
  seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(new Error('body larger than the slot'));
    else done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    done(this.seen === this.limit ? null : new Error('body smaller than the slot'));
  }
}

function answer(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { ...CORS, 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', connection: 'close' }).end(`${message}\n`);
}

/** RFC 6266 with RFC 5987 for non-ASCII names; the ASCII fallback keeps only safe characters. */
function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\;]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The HTTP side of XEP-0363: a PUT is taken only for a slot that exists, is unexpired and
 * unused, with a valid signature and exactly the announced size and content type; a GET serves
 * a stored, unexpired file with its content type, as an attachment unless the type is safe to
 * show, and never sniffed or scripted.
 */
export function uploadRequestHandler(options: UploadHttpOptions): http.RequestListener {
  const { store, storage, secret, logger } = options;

  const put = async (req: http.IncomingMessage, res: http.ServerResponse, id: string, filename: string, url: URL): Promise<void> => {
    const row = await store.get(id);
    const now = Date.now();
    const expiresAt = Number(url.searchParams.get('expires'));
    const token = url.searchParams.get('token') ?? '';
    if (!row || row.filename !== filename || !verifySlot(secret, { id, filename, size: row.size, contentType: row.content_type, expiresAt }, token)) {
      return answer(res, 403, 'no such upload slot, or the URL was altered');
    }
    if (row.state !== 'pending') return answer(res, 409, 'this slot was used already');
    if (expiresAt <= now) return answer(res, 403, 'this upload slot has expired; ask for a new one');
    const length = req.headers['content-length'];
    if (length === undefined || Number(length) !== row.size) return answer(res, 400, `the slot is for exactly ${row.size} bytes (Content-Length ${length ?? 'missing'})`);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== row.content_type) return answer(res, 400, `the slot is for Content-Type ${row.content_type}, got ${type || 'none'}`);
    try {
      await storage.write(id, req.pipe(new ByteLimit(row.size)));
    } catch (err) {
      logger.debug({ err, slot: id }, 'upload refused');
      return answer(res, 400, 'the body does not match the slot');
    }
    if (!(await store.markStored(id, Date.now() + options.fileTtlMs()))) {
      return answer(res, 409, 'this slot was used already');
    }
    options.uploaded(row.size);
    logger.info({ slot: id, user: row.username, bytes: row.size }, 'file uploaded');
    res.writeHead(201, { ...CORS, 'content-length': '0' }).end();
  };

  const get = async (req: http.IncomingMessage, res: http.ServerResponse, id: string, filename: string): Promise<void> => {
    const row = await store.get(id);
    if (!row || row.state !== 'stored' || row.filename !== filename || row.expires_at <= Date.now()) return answer(res, 404, 'no such file');
    const body = await storage.read(id);
    if (!body) return answer(res, 404, 'no such file');
    const inline = INLINE_TYPES.test(row.content_type);
    res.writeHead(200, {
      ...CORS,
      'content-type': row.content_type,
      'content-length': String(row.size),
      'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', row.filename),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, max-age=86400',
    });
    if (req.method === 'HEAD') {
      body.destroy();
      return void res.end();
    }
    body.pipe(res);
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://upload.invalid');
    const match = PATH.exec(url.pathname);
    let filename: string | undefined;
    try {
      filename = match ? decodeURIComponent(match[2]) : undefined;
    } catch {
      filename = undefined;
    }
    if (!match || filename === undefined) return answer(res, 404, 'not found');
    const work =
      req.method === 'OPTIONS'
        ? Promise.resolve(void res.writeHead(204, CORS).end())
        : req.method === 'PUT'
          ? put(req, res, match[1], filename, url)
          : req.method === 'GET' || req.method === 'HEAD'
            ? get(req, res, match[1], filename)
            : Promise.resolve(answer(res, 405, 'use PUT, GET or HEAD'));
    work.catch((err: unknown) => {
      logger.error({ err }, 'upload request failed');
      answer(res, 500, 'internal error');
    });
  };
}
