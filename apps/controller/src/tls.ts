import fs from 'node:fs';
import tls from 'node:tls';

/** A certificate chain and its private key, PEM, as the controller serves them. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

export class TlsFilesError extends Error {
  readonly code = 'BANGTIN_INVALID_TLS_FILES';
}

/**
 * Reads and checks a certificate/key pair: each file must be readable, and the pair must make a
 * secure context (PEM that parses, a key that matches the certificate). Used at start and on SIGHUP,
 * so a bad renewal is refused before it replaces the certificate being served.
 */
export function loadTlsFiles(certFile: string, keyFile: string): TlsFiles {
  const read = (file: string, flag: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new TlsFilesError(`${flag}: cannot read ${file}: ${(err as Error).message}`);
    }
  };
  const cert = read(certFile, '--tls-cert');
  const key = read(keyFile, '--tls-key');
  if (!cert.includes('-----BEGIN CERTIFICATE-----'))
    throw new TlsFilesError(`--tls-cert: ${certFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.toString('latin1')))
    throw new TlsFilesError(`--tls-key: ${keyFile} holds no PEM private key (-----BEGIN … PRIVATE KEY-----)`);
  try {
    tls.createSecureContext({ cert });
  } catch (err) {
    throw new TlsFilesError(`--tls-cert: ${certFile} is not a valid certificate: ${(err as Error).message}`);
  }
  try {
    tls.createSecureContext({ cert, key });
  } catch (err) {
    throw new TlsFilesError(
      `--tls-key: ${keyFile} is not a valid key for ${certFile} (wrong key or damaged file): ${(err as Error).message}`,
    );
  }
  return { cert, key };
}
