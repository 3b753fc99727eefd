import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A throwaway certificate authority in `dir`: `ca.pem` (certificate) and `ca.key`. */
export interface TestCa {
  dir: string;
  certFile: string;
  keyFile: string;
  pem: string;
}

export interface TestServerCert {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
  /** SHA-256 fingerprint as node's `getPeerCertificate().fingerprint256` shows it. */
  fingerprint256: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA made with openssl, valid a day; `name` makes its subject (and so its files) distinct. */
export function makeTestCa(dir: string, name = 'bangtin test CA'): TestCa {
  fs.mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return {
    dir,
    certFile: path.join(dir, 'ca.pem'),
    keyFile: path.join(dir, 'ca.key'),
    pem: fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'),
  };
}

/** A server certificate for 127.0.0.1 and localhost signed by `ca`, written as `<name>.pem` / `<name>.key`. */
export function makeServerCert(ca: TestCa, name = 'server'): TestServerCert {
  const ext = path.join(ca.dir, `${name}.ext`);
  fs.writeFileSync(
    ext,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    ],
    ca.dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    ],
    ca.dir,
  );
  const cert = fs.readFileSync(path.join(ca.dir, `${name}.pem`));
  return {
    certFile: path.join(ca.dir, `${name}.pem`),
    keyFile: path.join(ca.dir, `${name}.key`),
    cert,
    key: fs.readFileSync(path.join(ca.dir, `${name}.key`)),
    fingerprint256: new crypto.X509Certificate(cert).fingerprint256,
  };
}
