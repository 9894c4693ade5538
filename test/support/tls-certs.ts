/**
 * Certificates for TLS tests, made with openssl at test time in a folder the test owns: a CA of its own and a
 * server certificate it signed for 127.0.0.1 / localhost. Nothing is shared with the system's trust store.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificates {
  /** the CA's certificate (PEM file): what a client must trust */
  ca: string;
  /** the server's certificate and key (PEM files), signed by `ca` */
  cert: string;
  key: string;
}

export function makeCertificates(dir: string): TestCertificates {
  const f = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=dbx test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'),
    '-days', '2', '-extfile', f('server.ext'));
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}
