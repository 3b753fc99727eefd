import { SCREENSHOT_MAX_BYTES } from '@bangtin/shared';

/**
 * Largest Socket.IO message anyone may send before proving who they are: the CONNECT packet carries
 * a token and a few numbers, and an admin browser's largest message (a watch list of 500 device ids)
 * is ~20 KB. Engine.io applies `maxHttpBufferSize` to every connection of the server, before any
 * middleware has seen the token, so this is that server-wide value.
 */
export const PREAUTH_MESSAGE_BYTES = 64 * 1024;

/**
 * What an authenticated player may send in one message. Bundles go the other way (controller →
 * player; this limit only bounds what the controller reads). The largest thing a player sends is a
 * screenshot (a binary attachment, its own frame, at most SCREENSHOT_MAX_BYTES); a proof or survey
 * batch of the schema's 5,000 entries is ~1.5 MB of JSON. One MiB over the screenshot covers both.
 */
export const PLAYER_MESSAGE_BYTES = SCREENSHOT_MAX_BYTES + 1024 * 1024;

/** The engine.io transport fields this reaches into (no public per-connection setting exists). */
interface TransportLike {
  name: string;
  /** Polling: engine.io gives every transport its own copy of the server's options. */
  opts?: { maxHttpBufferSize?: number };
  /** WebSocket: the `ws` socket, whose receiver checks each frame's declared length against this. */
  socket?: { _receiver?: { _maxPayload?: number } | null };
}

interface ConnLike {
  transport: unknown;
  on(event: 'upgrade', listener: (transport: unknown) => void): unknown;
}

function apply(transport: unknown, bytes: number): void {
  const t = transport as TransportLike;
  if (t.name === 'websocket') {
    const receiver = t.socket?._receiver;
    // ws keeps the limit in its receiver; if a ws release renamed it, fail loudly rather than let
    // every screenshot be refused (the hub tests upload a real one).
    if (!receiver || typeof receiver._maxPayload !== 'number') {
      throw new Error('cannot raise the message limit: ws receiver has no _maxPayload (ws changed?)');
    }
    receiver._maxPayload = bytes;
  } else if (t.opts && typeof t.opts.maxHttpBufferSize === 'number') {
    t.opts.maxHttpBufferSize = bytes;
  }
}

/**
 * Raises one connection's message limit from PREAUTH_MESSAGE_BYTES, once its device token checked
 * out, and keeps it raised when the connection upgrades from polling to WebSocket. An unauthenticated
 * client sending a large frame is cut off by ws as soon as the frame header declares its length:
 * nothing of it is buffered.
 */
export function raiseMessageLimit(conn: ConnLike, bytes: number): void {
  apply(conn.transport, bytes);
  conn.on('upgrade', (transport) => apply(transport, bytes));
}
