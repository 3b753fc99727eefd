import crypto from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';

/**
 * Which TLS certificates the player accepts from the controller, for the Socket.IO link and every
 * HTTP download. Verification is on unless `insecure`.
 */
export interface TlsTrust {
  /** Node's built-in roots plus the private CA of `--ca-file`; null = the built-in roots alone. */
  ca: string[] | null;
  /** `--insecure`: no verification at all (a test bench, never a production office). */
  insecure: boolean;
}

export const VERIFIED: TlsTrust = { ca: null, insecure: false };

export const INSECURE_WARNING =
  'KHÔNG KIỂM TRA CHỨNG CHỈ TLS / TLS certificate verification is OFF (--insecure): ' +
  'anyone on the network can pose as the controller';

export class CaFileError extends Error {
  readonly code = 'BANGTIN_INVALID_CA_FILE';
}

const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM file, each checked; errors name `flag` and the file. */
export function readCaFile(file: string, flag = '--ca-file'): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CaFileError(`${flag}: cannot read ${file}: ${(err as Error).message}`);
  }
  const pems = text.match(PEM_RE) ?? [];
  if (pems.length === 0)
    throw new CaFileError(`${flag}: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  for (const [i, pem] of pems.entries()) {
    try {
      new crypto.X509Certificate(pem);
    } catch (err) {
      throw new CaFileError(`${flag}: ${file}: certificate #${i + 1} does not parse: ${(err as Error).message}`);
    }
  }
  return pems;
}

/** Trust from the flags: the CA file's certificates are added to the built-in roots, not put in their place. */
export function trustFrom(caPems: string[] | null, insecure: boolean): TlsTrust {
  return { ca: caPems ? [...tls.rootCertificates, ...caPems] : null, insecure };
}

/** Options for `https.request`, `tls.connect` and socket.io-client (which hands them to `ws`). */
export function tlsOptions(trust: TlsTrust): { ca?: string[]; rejectUnauthorized: boolean } {
  return { ...(trust.ca ? { ca: trust.ca } : {}), rejectUnauthorized: !trust.insecure };
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * What an operator should read when a TLS handshake failed, or null when `err` (or its `cause`, or the
 * socket.io `description`) is no TLS failure.
 */
export function describeTlsError(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const x = e as { code?: unknown; message?: unknown; cause?: unknown; description?: unknown; error?: unknown };
    const code = typeof x.code === 'string' ? x.code : '';
    const message = typeof x.message === 'string' ? x.message : '';
    if (UNTRUSTED.has(code))
      return `TLS: certificate not trusted (self-signed / unknown CA: ${code}); pass --ca-file with the CA that signed the controller's certificate`;
    if (code === 'CERT_HAS_EXPIRED') return 'TLS: the controller certificate has expired; renew it on the controller';
    if (code === 'CERT_NOT_YET_VALID')
      return "TLS: the controller certificate is not valid yet (check this device's clock)";
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
      return `TLS: the certificate is not for this address (${message}); use the name or IP it was issued for in --controller`;
    if (/wrong version number|packet length too long|http request/i.test(message) || code === 'EPROTO')
      return 'TLS: the controller does not speak TLS on this port; use http:// or enable TLS on the controller';
    e = x.cause ?? x.description ?? x.error;
  }
  return null;
}
