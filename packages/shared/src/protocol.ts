import type { Bundle, BundleAck, Heartbeat } from './domain';
import type { ApiError } from './errors';

/**
 * Version of the player ⇄ controller socket protocol. A player sends it in the handshake; the
 * controller refuses any version it does not list in SUPPORTED_PROTOCOLS with `protocol-incompatible`.
 */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOLS: readonly number[] = [1];

/** Codes a player can find in `connect_error` (`err.message`) and in `err.data.error.code`. */
export type ConnectRefusal = 'unauthorized' | 'revoked' | 'protocol-incompatible' | 'invalid-handshake';

export interface Hello {
  protocol: number;
  deviceId: string;
  deviceName: string;
  serverTime: number;
}

export interface ProofUploadResult {
  /** Ids now stored at the controller (new or already there): the player may delete them. */
  acked: string[];
  /** Proofs that can never be stored, with the reason; the player drops them (and logs why). */
  rejected: { id: string | null; reason: string }[];
}

export interface ControllerToPlayerEvents {
  hello: (hello: Hello) => void;
  bundle: (bundle: Bundle) => void;
}

export interface PlayerToControllerEvents {
  'bundle:ack': (ack: BundleAck) => void;
  'proofs:upload': (batch: { proofs: unknown[] }, ack: (res: ProofUploadResult | ApiError) => void) => void;
  heartbeat: (hb: Heartbeat) => void;
  /** NTP-style probe: the controller answers with its clock in ms. */
  'clock:sync': (clientSentAt: number, ack: (serverTime: number) => void) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  deviceId: string;
  protocol: number;
}
