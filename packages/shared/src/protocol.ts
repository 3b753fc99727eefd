import { z } from 'zod';
import type {
  Bundle,
  BundleAck,
  DeviceCommand,
  DeviceConfig,
  DeviceView,
  Heartbeat,
  MediaProgress,
  OutputStatus,
  ScreenshotUpload,
  SurveyConfig,
} from './domain';
import type { ApiError } from './errors';
import type { ProofColumns } from './proof-columns';
import { DeviceInstantSchema } from './schemas';

/**
 * Version of the player ⇄ controller socket protocol. A player sends it in the handshake; the
 * controller refuses any version it does not list in SUPPORTED_PROTOCOLS with `protocol-incompatible`.
 *
 * Compatibility window: controller N accepts players N and N−1 (a province upgrades the controller
 * first, then its players over weeks), never N−2 nor a newer player. Bumping the version means the
 * controller keeps speaking N−1 (optional fields, old event shapes) for one more release; the frozen
 * handshake in tests/fixtures/ is then moved up to the version just left behind.
 */
export const PROTOCOL_VERSION = 1;
/** Protocol 1 is the first: there is no N−1 to accept yet. */
export const SUPPORTED_PROTOCOLS: readonly number[] = [PROTOCOL_VERSION - 1, PROTOCOL_VERSION].filter((v) => v >= 1);

/** Codes a player can find in `connect_error` (`err.message`) and in `err.data.error.code`. */
export type ConnectRefusal = 'unauthorized' | 'revoked' | 'protocol-incompatible' | 'invalid-handshake';

export interface Hello {
  protocol: number;
  deviceId: string;
  deviceName: string;
  serverTime: number;
  /**
   * Start (ms UTC) of the latest proof the controller holds for this device, null when it holds none.
   * A player resends the acknowledged proofs it kept of plays that started later: after a restore from
   * an older backup they are back exactly once (the controller stores each proof id once). Absent from
   * older controllers.
   */
  proofsThrough?: number | null;
}

/** Ask a player to resend the acknowledged proofs it kept of plays that started in (from, to] (ms UTC). */
export interface ProofResendRange {
  from: number;
  to: number;
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
  shownAt: DeviceInstantSchema.nullable(),
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
  /** Resend kept acknowledged proofs in a range (an operator's request after a restore). */
  'proofs:resend': (range: ProofResendRange) => void;
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
  /** When the player says it lost its previous connection (controller clock), or null. */
  lostAt: number | null;
  /** The bundle hash the player says it holds (handshake `bundleHash`), or null (older players, none cached). */
  heldBundleHash: string | null;
}

// ── Admin dashboard (namespace `/admin`) ──────────────────────────────────────────────────────────
// Staff browsers connect to the same Socket.IO server under `/admin` with their session token
// (`auth: {token}`); refusals arrive as `connect_error` with message `unauthorized`. Everything sent is
// limited to what the user may see (an editor: their district), and coalesced to at most once a second.

export type DeviceAlertKind = 'offline' | 'board' | 'disk' | 'storage';

/**
 * Something staff should act on: offline > 10 min, an LED board port lost, a nearly full disk, or a player
 * whose storage refuses writes (plays kept in memory) or whose database was damaged and rebuilt.
 */
export interface DeviceAlert {
  kind: DeviceAlertKind;
  deviceId: string;
  deviceName: string;
  districtId: string | null;
  /** ISO 8601: last seen (offline), the board's error time (board); null when unknown. */
  since: string | null;
  /** The board (`led:cong-chinh` on `/dev/ttyUSB0`) or the disk space (`freeBytes/totalBytes`). */
  detail: string | null;
}

export interface DeviceCounts {
  total: number;
  online: number;
  stale: number;
  offline: number;
  revoked: number;
  /** Devices with at least one alert. */
  alerts: number;
}

/** `GET /devices/summary` and the `devices:summary` event. */
export interface DeviceSummary extends DeviceCounts {
  at: string;
  /** One entry per district with devices in scope (id null: devices outside any district). */
  districts: (DeviceCounts & { id: string | null; name: string | null })[];
  alertCounts: Record<DeviceAlertKind, number>;
  /** The alerts themselves, at most 100: boards, then disks, then offline; the oldest first in each. */
  alertItems: DeviceAlert[];
}

/** A row of the paged device list (`GET /devices?limit=…`): the plain list's fields and more. */
export interface DeviceListItem extends Omit<DeviceView, 'timeZone'> {
  district: { id: string; name: string } | null;
  /** As in the plain list; a revoked device shows `revokedAt`. */
  status: 'online' | 'stale' | 'offline';
  tags: string[];
  outputs: (Omit<OutputStatus, 'lastWriteAt' | 'lastError'> & {
    lastWriteAt: string | null;
    lastError: { code: string; message: string; at: string } | null;
  })[];
  /** Latest disk space the player reported (since the controller started); null before. */
  disk: { freeBytes: number; totalBytes: number; at: string } | null;
  /**
   * The player's storage when it is not fine: `full`/`error` while plays wait in memory
   * (`unrecordedPlays`), and plays lost outright; null when fine or not reported.
   */
  storage: {
    state: 'ok' | 'full' | 'error';
    unrecordedPlays: number;
    lostPlays: number;
    message: string | null;
  } | null;
  /** The player's last rebuild of a damaged database (reported for a week); null when none. */
  recovery: { at: string; reason: string; salvagedProofs: number; salvagedSurveys: number } | null;
  /** Media cache download progress (screens and kiosks); null before the first report. */
  media: { needed: number; ready: number; bytesNeeded: number; bytesReady: number; failed: number; at: string } | null;
  /** Capture time of the last screenshot (`GET /devices/:id/screenshot`); null when there is none. */
  screenshotAt: string | null;
  alerts: DeviceAlertKind[];
}

export interface AdminServerToClientEvents {
  'devices:summary': (summary: DeviceSummary) => void;
  /** Rows of watched devices that changed since the last batch. */
  'devices:update': (batch: { items: DeviceListItem[] }) => void;
  /** Too much changed at once to list: refetch what is shown. */
  'devices:invalidate': () => void;
}

export interface AdminClientToServerEvents {
  /** The devices in view (at most 500 ids); only they get `devices:update`. Replaces the previous set. */
  'devices:watch': (ids: string[]) => void;
}
