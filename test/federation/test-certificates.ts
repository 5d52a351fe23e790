/**
 * A private certificate authority and certificates it signs for test domains (openssl), for the
 * SASL EXTERNAL path: servers that trust the authority accept each other's certificates.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface TestAuthority {
  caFile: string;
  /** Issues a certificate naming `domain` (subjectAltName DNS); returns its PEM files. */
  issue(domain: string): { certFile: string; keyFile: string };
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

export function createTestAuthority(dir: string): TestAuthority {
  fs.mkdirSync(dir, { recursive: true });
  const caKey = path.join(dir, 'ca.key');
  const caFile = path.join(dir, 'ca.crt');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', '/CN=Test federation CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return {
    caFile,
    issue(domain) {
      const keyFile = path.join(dir, `${domain}.key`);
      const csr = path.join(dir, `${domain}.csr`);
      const certFile = path.join(dir, `${domain}.crt`);
      const ext = path.join(dir, `${domain}.ext`);
      fs.writeFileSync(ext, `subjectAltName=DNS:${domain}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`);
      openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${domain}`]);
      openssl(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', ext]);
      return { certFile, keyFile };
    },
  };
}
