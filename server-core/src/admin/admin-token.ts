import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';
export const ADMIN_TOKEN_ENV = 'AIM_ADMIN_TOKEN';

export interface AdminToken {
  token: string;
  /** Where it came from: the environment or the file in the data folder. */
  source: 'env' | 'file';
  file: string;
  /** True when this call created the file. */
  created: boolean;
}

/**
 * The bearer token of the admin API: AIM_ADMIN_TOKEN when set, otherwise the contents of
 * `<dataDir>/admin-token`, created with a random token (mode 0600) the first time.
 */
export function resolveAdminToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): AdminToken {
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  const fromEnv = env[ADMIN_TOKEN_ENV]?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env', file, created: false };
  if (fs.existsSync(file)) {
    const token = fs.readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return { token, source: 'file', file, created: false };
  }
  const token = crypto.randomBytes(32).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: 'file', file, created: true };
}

/** Reads the token the way the server does, without creating one (CLI clients). */
export function readAdminToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env[ADMIN_TOKEN_ENV]?.trim();
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

/** Constant-time comparison of an `Authorization: Bearer <token>` header with the token. */
export function isAuthorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const given = crypto.createHash('sha256').update(match[1]).digest();
  const expected = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(given, expected);
}
