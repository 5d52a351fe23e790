import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../config';
import { silentLogger } from '../log';
import { CertificateError, ensureCertificate } from './self-signed-certificate';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aim-tls-'));
}

describe('self-signed certificate', () => {
  const dataDir = tempDir();
  const config = parseConfig({ domain: 'chat.example.test', dataDir });
  let first: Awaited<ReturnType<typeof ensureCertificate>>;

  beforeAll(async () => {
    first = await ensureCertificate(config, silentLogger());
  });

  it('is created on first start under <dataDir>/tls with a private key only the owner can read', () => {
    expect(first.generated).toBe(true);
    expect(first.certFile).toBe(path.join(dataDir, 'tls', 'chat.example.test.crt'));
    expect(first.keyFile).toBe(path.join(dataDir, 'tls', 'chat.example.test.key'));
    expect(fs.readFileSync(first.certFile, 'utf8')).toBe(first.cert);
    expect(fs.statSync(first.keyFile).mode & 0o777).toBe(0o600);
  });

  it('names the domain, localhost and 127.0.0.1', () => {
    const certificate = new X509Certificate(first.cert);
    expect(certificate.subjectAltName).toContain('DNS:chat.example.test');
    expect(certificate.subjectAltName).toContain('DNS:localhost');
    expect(certificate.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(certificate.checkHost('chat.example.test')).toBe('chat.example.test');
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
  });

  it('is reused on the next start', async () => {
    const second = await ensureCertificate(config, silentLogger());
    expect(second.generated).toBe(false);
    expect(second.cert).toBe(first.cert);
    expect(second.key).toBe(first.key);
  });

  it('operator files are used as they are', async () => {
    const other = parseConfig({ domain: 'chat.example.test', dataDir: tempDir(), tls: { certFile: first.certFile, keyFile: first.keyFile } });
    const used = await ensureCertificate(other, silentLogger());
    expect(used).toEqual({ cert: first.cert, key: first.key, generated: false, certFile: first.certFile, keyFile: first.keyFile });
    expect(fs.existsSync(path.join(other.dataDir, 'tls'))).toBe(false);
  });

  it('an unreadable operator file is a clear error naming the setting', async () => {
    const missing = path.join(dataDir, 'nope.pem');
    const broken = parseConfig({ dataDir, tls: { certFile: missing, keyFile: first.keyFile } });
    const error = await ensureCertificate(broken, silentLogger()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).kind).toBe('unreadable');
    expect((error as CertificateError).message).toBe(`cannot read tls.certFile ${missing}: the file does not exist`);
  });
});
