import net from 'node:net';
import type http from 'node:http';
import type { Logger } from 'pino';

/**
 * Limits against clients that connect and then send slowly or not at all. Before these, fastify's
 * defaults let a body trickled one byte at a time hold its connection (and a parser) for ever.
 */
export interface HttpLimits {
  /** Whole request, headers and body, must arrive within this (Node answers 408 and closes). */
  requestTimeoutMs: number;
  /** Headers must arrive within this; at most `requestTimeoutMs`. */
  headersTimeoutMs: number;
  /** A connection with no bytes either way for this long is closed. */
  idleTimeoutMs: number;
  /** A keep-alive connection waits this long for its next request. */
  keepAliveTimeoutMs: number;
  /** Requests one keep-alive connection may carry before it is closed. */
  maxRequestsPerSocket: number;
  /**
   * Open connections one address may hold; more are closed at once. Players behind one NAT each hold
   * one Socket.IO connection, hence a generous default. Addresses of trusted proxies are exempt.
   */
  maxConnectionsPerAddress: number;
  /** How often Node looks for requests past their timeouts (tests make it small). */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  // Five minutes: a 512 MiB video upload needs ~15 Mbit/s to make it; raise it for slower links.
  requestTimeoutMs: 300_000,
  headersTimeoutMs: 30_000,
  // Above Socket.IO's ping interval (20 s), so an idle player's socket is never cut by this.
  idleTimeoutMs: 60_000,
  // fastify's own default, kept: above the 60 s upstream keep-alive of common proxies (and longer than
  // a client may stall), so nobody reuses a connection the controller is just closing. A shorter one
  // made a test client whose event loop was busy for a while send into an already closed socket.
  keepAliveTimeoutMs: 72_000,
  maxRequestsPerSocket: 1000,
  maxConnectionsPerAddress: 256,
  checkIntervalMs: 1000,
};

/** Validates limits given in code or config: whole positive milliseconds, headers ≤ request. */
export function httpLimits(over: Partial<HttpLimits> = {}): HttpLimits {
  const l = { ...DEFAULT_HTTP_LIMITS, ...over };
  for (const [k, v] of Object.entries(l)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`httpLimits.${k}: must be a whole number ≥ 1 (got ${v})`);
  }
  if (l.headersTimeoutMs > l.requestTimeoutMs) {
    throw new Error('httpLimits.headersTimeoutMs: must not exceed requestTimeoutMs');
  }
  return l;
}

/** Options for fastify() that put the timeouts on its node server (http or https alike). */
export function serverTimeoutOptions(l: HttpLimits) {
  return {
    connectionTimeout: l.idleTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    maxRequestsPerSocket: l.maxRequestsPerSocket,
    nodeServer: {
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      connectionsCheckingInterval: l.checkIntervalMs,
    },
  };
}

/** "1.2.3.4" for "::ffff:1.2.3.4", so one client is one key whichever way it connected. */
function addressKey(a: string): string {
  return a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a;
}

/**
 * Closes a new TCP connection when its address already holds `max` (before TLS or HTTP parsing costs
 * anything). Trusted proxies carry many clients, so their addresses are not counted.
 */
export function capConnectionsPerAddress(
  server: http.Server,
  max: number,
  trustedProxies: string[],
  log: Logger,
): { count(address: string): number } {
  const exempt = new net.BlockList();
  for (const entry of trustedProxies) {
    const [addr, bits] = entry.split('/') as [string, string | undefined];
    const type = net.isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (bits === undefined) exempt.addAddress(addr, type);
    else exempt.addSubnet(addr, Number(bits), type);
  }
  const open = new Map<string, number>();
  const warned = new Map<string, number>();
  server.prependListener('connection', (socket: net.Socket) => {
    const raw = socket.remoteAddress;
    if (!raw) return;
    const key = addressKey(raw);
    if (exempt.check(key, net.isIPv6(key) ? 'ipv6' : 'ipv4')) return;
    const n = open.get(key) ?? 0;
    if (n >= max) {
      const now = Date.now();
      if (now - (warned.get(key) ?? 0) > 60_000) {
        warned.set(key, now);
        if (warned.size > 10_000) warned.clear();
        log.warn({ address: key, max }, 'too many connections from one address: new ones are closed');
      }
      socket.destroy();
      return;
    }
    open.set(key, n + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
  return { count: (address) => open.get(addressKey(address)) ?? 0 };
}
