import { z } from 'zod';
import type {
  Bundle,
  BundleAck,
  DeviceCommand,
  DeviceConfig,
  Heartbeat,
  MediaProgress,
  ScreenshotUpload,
  SurveyConfig,
} from './domain';
import type { ApiError } from './errors';
import type { ProofColumns } from './proof-columns';

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

/**
 * A player's receipt for an urgent message: sent when it first shows it (or, for one it will never
 * show because a newer one covers it, when it receives it, with `shownAt` null). Re-sent until the
 * controller answers, so the ack survives a dropped link; the controller keeps the first.
 */
export const InterruptAckSchema = z.object({
  interruptId: z.string().uuid(),
  /** Controller-clock instant the message went on screen, ms UTC; null = received, not shown. */
  shownAt: z.number().int().positive().nullable(),
});
export type InterruptAck = z.infer<typeof InterruptAckSchema>;

export interface ControllerToPlayerEvents {
  hello: (hello: Hello) => void;
  bundle: (bundle: Bundle) => void;
  /** LED boards configured for this device on the controller; sent after `hello` and on every change. */
  'device:config': (config: DeviceConfig) => void;
  /** Remote commands for screen outputs (identify overlay, reload the renderer, clear the media cache). */
  'device:command': (command: DeviceCommand) => void;
  /** The kiosk survey's questions; sent after `hello` and whenever an administrator changes them. */
  'survey:config': (config: SurveyConfig) => void;
}

export interface PlayerToControllerEvents {
  'bundle:ack': (ack: BundleAck) => void;
  /** A batch as objects (`proofs`) or column-wise (`columns`, see proof-columns.ts); the answer is the same. */
  'proofs:upload': (
    batch: { proofs: unknown[] } | { columns: ProofColumns },
    ack: (res: ProofUploadResult | ApiError) => void,
  ) => void;
  heartbeat: (hb: Heartbeat) => void;
  /** Urgent-message receipt; the ack says whether the controller recorded it. */
  'interrupt:ack': (ack: InterruptAck, done: (res: { recorded: boolean } | ApiError) => void) => void;
  /** Kiosk survey answers from the player's outbox; acked like proofs (same result shape). */
  'surveys:upload': (batch: { answers: unknown[] }, ack: (res: ProofUploadResult | ApiError) => void) => void;
  /** The media cache's state after each change (download finished or failed, new bundle). */
  'media:progress': (progress: MediaProgress) => void;
  /** NTP-style probe: the controller answers with its clock in ms. */
  'clock:sync': (clientSentAt: number, ack: (serverTime: number) => void) => void;
  /** Answer to the `screenshot` command: a PNG of what the screen output shows now. */
  'screenshot:upload': (
    shot: ScreenshotUpload,
    ack: (res: { stored: true; width: number; height: number } | ApiError) => void,
  ) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  deviceId: string;
  protocol: number;
}
