import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { tlsOptions, type TlsTrust, VERIFIED } from './tls-trust';

export interface HttpGetResponse {
  status: number;
  body: Readable;
  /** Drops the rest of the body (and the connection with it). */
  cancel(): void;
}

/**
 * A GET on node:http/https rather than the global fetch: Node 20's fetch cannot be given a CA without
 * the undici package, and the player's downloads must trust the same private CA as its Socket.IO link.
 */
export function httpGet(
  url: string,
  opts: { headers?: Record<string, string>; signal?: AbortSignal; tls?: TlsTrust; idleTimeoutMs?: number } = {},
): Promise<HttpGetResponse> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).get(
      u,
      {
        headers: opts.headers,
        signal: opts.signal,
        ...(secure ? tlsOptions(opts.tls ?? VERIFIED) : {}),
      },
      (res) => resolve({ status: res.statusCode ?? 0, body: res, cancel: () => res.destroy() }),
    );
    req.on('error', reject);
    // A link that goes silent (headers or body) fails the download instead of hanging it, as the
    // global fetch's 300 s header and body timeouts did.
    const idleMs = opts.idleTimeoutMs ?? 300_000;
    req.setTimeout(idleMs, () => req.destroy(new Error(`no data from the controller for ${idleMs / 1000} s`)));
  });
}
