import { z } from 'zod';

const MIB = 1024 * 1024;

const bytes = (what: string) => z.number({ invalid_type_error: `expected ${what} in bytes` }).int('expected whole bytes').min(1, `expected ${what} of at least 1 byte`);
const ms = (what: string) => z.number({ invalid_type_error: `expected ${what} in milliseconds` }).int('expected whole milliseconds').min(1000, `expected ${what} of at least 1000 ms`);

/** The `upload` module's settings (`modules.upload.config` in the config file). */
export const uploadConfigSchema = z
  .object({
    /** The service's address: `upload` means `upload.<domain>`; a name with dots is the full address. */
    address: z.string().min(1, 'must not be empty').default('upload').describe('The service address: upload means upload.<domain>'),
    /**
     * The URL clients reach the WebSocket listener's `/upload/` path at, without a trailing slash
     * (an HTTPS reverse proxy or load balancer in front of every node). Default:
     * `http://<domain>:<port of listeners.websocket>` (`https` when its `tls` is true).
     */
    publicUrl: z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'expected an http:// or https:// URL such as "https://upload.example.com"')
      .transform((url) => url.replace(/\/+$/, ''))
      .optional()
      .describe('The URL clients reach the upload path at (an HTTPS proxy); default http://<domain>:<WebSocket port>'),
    /** The folder files are kept in; shared by every node of a cluster (see docs/operations.md). Default: `<dataDir>/uploads`. */
    storageDir: z.string().min(1, 'must not be empty').optional().describe('Folder for the files, relative to dataDir (default uploads); shared by every node of a cluster'),
    maxFileSize: bytes('the largest file').default(10 * MIB).describe('Largest file in bytes'),
    /** What one account may keep at once (files not yet expired and slots not yet used); a per-account value set through the admin API wins. */
    quotaBytesPerUser: bytes('the quota').default(100 * MIB).describe('Bytes one account may hold (files and unused slots)'),
    /** Content types a slot may name (exact, lowercase, or `type/*`); empty: any. */
    allowedContentTypes: z.array(z.string().regex(/^[a-z0-9!#$&^_.+-]+\/([a-z0-9!#$&^_.+-]+|\*)$/, 'expected a content type such as "image/png" or "image/*"')).default([])
      .describe('Content types a slot may name (exact or type/*); empty accepts any'),
    /** How long a slot's PUT URL stays valid. */
    slotTtlMs: ms('the slot lifetime').default(5 * 60 * 1000).describe('How long a PUT URL stays valid, in ms'),
    /** How long an uploaded file is kept; it then answers 404 and the cleanup removes it. */
    fileTtlMs: ms('the file lifetime').default(30 * 24 * 60 * 60 * 1000).describe('How long a file is kept after its upload, in ms'),
    /** How often the senior node removes expired files and unused slots. */
    cleanupIntervalMs: ms('the cleanup interval').default(60 * 60 * 1000).describe('How often the senior removes expired files, in ms'),
  })
  .strict();

export type UploadConfig = z.infer<typeof uploadConfigSchema>;

/** Whether a slot may name this content type under the configured list. */
export function contentTypeAllowed(config: Pick<UploadConfig, 'allowedContentTypes'>, contentType: string): boolean {
  if (config.allowedContentTypes.length === 0) return true;
  const [major] = contentType.split('/');
  return config.allowedContentTypes.some((allowed) => allowed === contentType || allowed === `${major}/*`);
}
