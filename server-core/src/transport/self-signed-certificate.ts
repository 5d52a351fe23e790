/**
 * The server's TLS certificate: the operator's files when `tls.certFile`/`tls.keyFile` are set,
 * otherwise a self-signed certificate made once per domain under `<dataDir>/tls/` and reused on
 * every later start, so clients that pinned it keep working.
 */
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';
import type { ServerConfig } from '../config';
import type { Logger } from '../log';

export interface ServerCertificate {
  cert: string;
  key: string;
  /** True when this call created the self-signed pair. */
  generated: boolean;
  certFile: string;
  keyFile: string;
}

export type CertificateErrorKind = 'unreadable' | 'invalid' | 'mismatch';

export class CertificateError extends Error {
  constructor(
    readonly kind: CertificateErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CertificateError';
  }
}

const VALIDITY_DAYS = 5 * 365;

export async function ensureCertificate(config: Pick<ServerConfig, 'domain' | 'dataDir' | 'tls'>, logger: Logger): Promise<ServerCertificate> {
  const { certFile, keyFile } = config.tls;
  if (certFile && keyFile) return readConfiguredCertificate(certFile, keyFile, config.domain, logger);

  const dir = path.join(config.dataDir, 'tls');
  const files = { certFile: path.join(dir, `${config.domain}.crt`), keyFile: path.join(dir, `${config.domain}.key`) };
  const existing = await readGeneratedPair(files.certFile, files.keyFile);
  if (existing) return { ...existing, ...files, generated: false };

  const created = await createSelfSigned(config.domain);
  await writePair(dir, files, created);
  logger.warn(
    { certFile: files.certFile, domain: config.domain },
    'created a self-signed TLS certificate; clients will ask to trust it (set tls.certFile and tls.keyFile to use your own)',
  );
  return { ...created, ...files, generated: true };
}

async function readConfiguredCertificate(certFile: string, keyFile: string, domain: string, logger: Logger): Promise<ServerCertificate> {
  const cert = await readPem(certFile, 'tls.certFile');
  const key = await readPem(keyFile, 'tls.keyFile');
  const problem = pairProblem(cert, key);
  if (problem) throw new CertificateError(problem.kind, `${problem.message} (tls.certFile ${certFile}, tls.keyFile ${keyFile})`);
  if (!coversName(new X509Certificate(cert), domain)) {
    logger.warn({ certFile, domain }, 'the TLS certificate does not name the server domain; clients will warn about it');
  }
  return { cert, key, generated: false, certFile, keyFile };
}

async function readPem(file: string, key: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CertificateError('unreadable', `cannot read ${key} ${file}: ${reason}`);
  }
}

/** Why a certificate and key cannot be served together, or undefined when they can. */
function pairProblem(cert: string, key: string): { kind: CertificateErrorKind; message: string } | undefined {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    return { kind: 'invalid', message: 'the certificate is not a PEM X.509 certificate' };
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(key))) return { kind: 'mismatch', message: 'the private key does not belong to the certificate' };
  } catch {
    return { kind: 'invalid', message: 'the private key is not a readable unencrypted PEM key' };
  }
  return undefined;
}

function coversName(certificate: X509Certificate, name: string): boolean {
  return isIP(name) ? certificate.checkIP(name) !== undefined : certificate.checkHost(name) !== undefined;
}

/** A pair left half-written (or from two nodes racing on one folder) is made again, not served. */
async function readGeneratedPair(certFile: string, keyFile: string): Promise<{ cert: string; key: string } | undefined> {
  try {
    const [cert, key] = await Promise.all([fs.readFile(certFile, 'utf8'), fs.readFile(keyFile, 'utf8')]);
    return pairProblem(cert, key) ? undefined : { cert, key };
  } catch {
    return undefined;
  }
}

async function createSelfSigned(domain: string): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 86_400_000);
  const altNames = [
    isIP(domain) ? { type: 7 as const, ip: domain } : { type: 2 as const, value: domain },
    ...(domain === 'localhost' ? [] : [{ type: 2 as const, value: 'localhost' }]),
    ...(domain === '127.0.0.1' ? [] : [{ type: 7 as const, ip: '127.0.0.1' }]),
    { type: 7 as const, ip: '::1' },
  ];
  const pems = await generate([{ name: 'commonName', value: domain }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Written to temporary names and renamed, so a reader never sees a partial file. */
async function writePair(dir: string, files: { certFile: string; keyFile: string }, pair: { cert: string; key: string }): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(files.keyFile + suffix, pair.key, { mode: 0o600 });
  await fs.chmod(files.keyFile + suffix, 0o600);
  await fs.writeFile(files.certFile + suffix, pair.cert, { mode: 0o644 });
  await fs.rename(files.keyFile + suffix, files.keyFile);
  await fs.rename(files.certFile + suffix, files.certFile);
}
