import { z } from 'zod';
import { cronExpressionError } from './schedule/cron';
import { isValidTimeZone, parseLocalDate, parseLocalTime } from './schedule/zone';
import { isDateInstant, isDeviceInstant, MAX_PLAY_MS } from './time';

/**
 * Zod schemas for every payload that crosses a boundary (HTTP body, socket payload, stored bundle).
 * Types are inferred from these in `domain.ts`, so a type and its validator can never drift apart.
 */

/** Stable ids: UUIDs (v7 for proofs, v4/v7 elsewhere). */
export const IdSchema = z.string().uuid();

/**
 * An instant a device reports on the controller's clock (ms UTC): 2020-01-01 … now + 1 day. A value
 * outside the Date range (9e15) would be stored and then break every reader of it.
 */
export const DeviceInstantSchema = z
  .number()
  .int()
  .refine((ms) => isDeviceInstant(ms), 'must be an instant between 2020-01-01 and tomorrow (ms UTC)');

/** An instant on a device's own, possibly unset, clock: any non-negative ms a Date can hold. */
export const DeviceClockInstantSchema = z
  .number()
  .int()
  .nonnegative()
  .refine((ms) => isDateInstant(ms), 'must be an instant a date can hold (ms UTC)');

/** An instant as ISO 8601 with an offset; normalised to UTC `…Z` by `toIso`. */
export const InstantSchema = z.iso.datetime({ offset: true });

/** Vietnamese text: trimmed and NFC-normalised so diacritics compare and render the same everywhere. */
export const NfcText = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));

/**
 * When an item may air (content expiry), UTC ms: from `validFrom` inclusive to `validUntil` exclusive.
 * Optional without defaults, so items without a window hash as before; the player honours the window
 * offline (see `compileBundle`).
 */
const validityFields = {
  validFrom: z.number().int().optional(),
  validUntil: z.number().int().optional(),
};

export const ContentTypeSchema = z.enum(['slogan', 'image', 'video', 'page', 'stream']);

export const SloganContentSchema = z.object({
  id: IdSchema,
  type: z.literal('slogan'),
  text: NfcText(2000),
  title: z.string().max(200).nullable().default(null),
  ...validityFields,
});

/** Lower-case hex sha256 of a media file: its name in the controller's store and in every player cache. */
export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex sha256');

// Media fields are all required, with no defaults: a bundle parsed on the player must hash the same as
// the object the controller hashed, so parsing must not add keys.
const mediaFields = {
  id: IdSchema,
  title: z.string().max(200).nullable(),
  sha256: Sha256Schema,
  size: z.number().int().positive(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  ...validityFields,
};

export const ImageMimeSchema = z.enum(['image/jpeg', 'image/png', 'image/webp']);
export const VideoMimeSchema = z.enum(['video/mp4', 'video/webm']);

export const ImageContentSchema = z.object({ ...mediaFields, type: z.literal('image'), mime: ImageMimeSchema });

export const VideoContentSchema = z.object({
  ...mediaFields,
  type: z.literal('video'),
  mime: VideoMimeSchema,
  /** From ffprobe; null when the controller had no ffprobe. */
  durationMs: z.number().int().positive().nullable(),
  /** Play with sound (lobby screens are usually silent); absent = muted. No default: see mediaFields. */
  audio: z.boolean().optional(),
});

/**
 * A kiosk information page. `html` is already sanitised by the controller (no script, no event
 * handler, no external URL); images in it are `media:<sha256>` URLs the player resolves from its
 * cache, and QR codes are inline SVG data images the controller generated. The renderer still shows it
 * in a sandboxed frame without `allow-scripts`, so nothing in it can run even if the sanitiser erred.
 */
export const PageContentSchema = z.object({
  id: IdSchema,
  type: z.literal('page'),
  title: NfcText(200),
  html: z.string().max(500_000),
  /** Media the page embeds, so the player caches them with everything else. */
  media: z.array(Sha256Schema).max(100),
  ...validityFields,
});

/** An HLS stream (livestreamed dialogues): an http(s) URL of an `.m3u8` playlist. */
export const HlsUrlSchema = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(2000)
  .refine((u) => {
    const url = new URL(u);
    return url.username === '' && url.password === '' && /\.m3u8$/i.test(url.pathname);
  }, 'must be an HLS playlist URL ending in .m3u8, without user:password');

export const StreamContentSchema = z.object({
  id: IdSchema,
  type: z.literal('stream'),
  title: z.string().max(200).nullable(),
  url: HlsUrlSchema,
  /** Play with sound; absent = muted (no default, so a parsed bundle hashes the same). */
  audio: z.boolean().optional(),
  ...validityFields,
});

/** Content carried in a bundle. */
export const ContentItemSchema = z.discriminatedUnion('type', [
  SloganContentSchema,
  ImageContentSchema,
  VideoContentSchema,
  PageContentSchema,
  StreamContentSchema,
]);

export const PlaylistItemSchema = z.object({
  contentId: IdSchema,
  /** How long the item is shown: 1 s to 1 h. */
  durationMs: z.number().int().min(1000).max(3_600_000),
});

export const PlaylistSchema = z.object({
  id: IdSchema,
  name: NfcText(200),
  items: z.array(PlaylistItemSchema).min(1, 'a playlist needs at least one item').max(500),
});

export const PrioritySchema = z.number().int().min(0).max(1000);

/** A schedule as it travels in a bundle: the targets are already resolved by the controller. */
export const BundleScheduleSchema = z
  .object({
    id: IdSchema,
    playlistId: IdSchema,
    /** UTC instant in ms, inclusive; null = since ever. */
    startsAt: z.number().int().nullable(),
    /** UTC instant in ms, exclusive; null = forever. */
    endsAt: z.number().int().nullable(),
    priority: PrioritySchema,
    /** Creation instant in ms: orders schedules of equal priority (newest first) wherever an order is needed. */
    createdAt: z.number().int(),
    // Scheduling fields (issue 3). All optional WITHOUT defaults on purpose: a bundle parsed on the
    // player must hash the same as the object the controller hashed, so parsing must not add keys.
    // The engine applies the defaults (see `normalizeSchedule` in schedule/model.ts).
    /** When, inside the validity window, the schedule runs; default `{kind: 'always'}`. */
    recurrence: z.lazy(() => RecurrenceSchema).optional(),
    /** IANA zone the recurrence and exceptions are read in; default the bundle's (device's) zone. */
    timeZone: z.lazy(() => TimeZoneSchema).optional(),
    /** Local dates (YYYY-MM-DD) on which the schedule does not run, e.g. Tết. */
    exceptions: z
      .array(z.lazy(() => LocalDateSchema))
      .max(1000)
      .optional(),
    /** Named holiday lists (bundle `holidayLists`) whose dates are exceptions too. */
    holidayListIds: z.array(IdSchema).max(50).optional(),
    /** Share of airtime against schedules of equal priority, in items; default 1. */
    weight: z.number().int('must be a whole number').min(1, 'must be a positive integer').max(1000).optional(),
    campaignId: IdSchema.nullable().optional(),
    /** A device group's default playlist: plays only when nothing else does, so a board is never dark. */
    fallback: z.boolean().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.startsAt !== null && s.endsAt !== null && s.endsAt <= s.startsAt) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
    if (s.recurrence?.kind === 'once' && (s.startsAt === null || s.endsAt === null)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.startsAt === null ? 'startsAt' : 'endsAt'],
        message: 'a one-off schedule (recurrence "once") needs both startsAt and endsAt',
      });
    }
  });

export const BundleSchema = z.object({
  protocol: z.number().int(),
  /** Monotonic per controller: a player ignores a bundle older than the one it has. */
  version: z.number().int().nonnegative(),
  /** sha256 of the canonical JSON of content, playlists and schedules. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  generatedAt: z.number().int(),
  content: z.array(ContentItemSchema),
  playlists: z.array(PlaylistSchema),
  schedules: z.array(BundleScheduleSchema),
  /** Urgent messages for this device: they preempt every schedule while active. */
  interrupts: z
    .array(z.lazy(() => InterruptSchema))
    .max(100)
    .optional(),
  /** Holiday lists referenced by the schedules' `holidayListIds`. */
  holidayLists: z
    .array(z.lazy(() => HolidayListSchema))
    .max(100)
    .optional(),
  /**
   * ms UTC up to which the controller vouches that this bundle is complete (it knows no change
   * planned before then). The engine expands rules on the fly and can resolve past it; see
   * `bundleHorizon`. Default: generatedAt + 7 days.
   */
  horizonUntil: z.number().int().nullable().optional(),
  /**
   * The device's IANA zone: schedules that name no `timeZone` of their own are read in it. Absent =
   * Asia/Ho_Chi_Minh (omitted then, so bundles of devices in the default zone hash as before).
   */
  timeZone: z.lazy(() => TimeZoneSchema).optional(),
});

/**
 * Why a play ended. `media-error`: the renderer could not decode or load it (it ended early and the
 * screen kept the previous frame); `user-interaction`: a kiosk user touched the screen during the
 * attract loop.
 */
export const EndReasonSchema = z.enum(['completed', 'preempted', 'stopped', 'media-error', 'user-interaction']);

/** One play as the player reports it. The controller takes the device id from the socket, never the payload. */
export const ProofSchema = z
  .object({
    id: z.string().uuid(),
    contentId: IdSchema,
    playlistId: IdSchema,
    scheduleId: IdSchema,
    /** Controller-clock instants (device clock + measured offset), ms UTC. */
    startedAt: DeviceInstantSchema,
    endedAt: DeviceInstantSchema,
    /**
     * The device's own clock reading at start, ms UTC, kept for audits of clock drift. Not held to
     * 2020…tomorrow: a board without a real-time clock may start in 1970, which is what the audit is for.
     */
    deviceStartedAt: DeviceClockInstantSchema.refine((ms) => ms > 0, 'must be a positive integer (ms UTC)'),
    clockOffsetMs: z
      .number()
      .int()
      .refine((ms) => isDateInstant(ms), 'must be an offset a date can hold (ms)'),
    endReason: EndReasonSchema,
    /** Which output showed it: `screen`, `led:<name>`; `main` for the headless runtime. */
    output: z.string().min(1).max(64).default('main'),
    /**
     * Tamper-evident chain (issue 11), per output: 1, 2, 3… and the SHA-256 of the previous proof's
     * canonical form (`proofCanonicalForm`). Absent from players one protocol version behind: their
     * proofs are unchained, not broken.
     */
    seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    prevHash: Sha256Schema.optional(),
  })
  .refine((p) => (p.seq === undefined) === (p.prevHash === undefined), {
    path: ['prevHash'],
    message: 'seq and prevHash come together',
  })
  .refine((p) => !p.output.includes('|'), { path: ['output'], message: 'must not contain "|"' })
  .refine((p) => p.endedAt >= p.startedAt, { path: ['endedAt'], message: 'must not be before startedAt' })
  .refine((p) => p.endedAt - p.startedAt <= MAX_PLAY_MS, { path: ['endedAt'], message: 'a play lasts at most 24 h' });

export const ProofBatchSchema = z.object({
  proofs: z.array(z.unknown()).min(1).max(5000),
});

export const NowPlayingSchema = z.object({
  contentId: IdSchema,
  playlistId: IdSchema,
  scheduleId: IdSchema,
  startedAt: DeviceInstantSchema,
});

/** State of one output of a player (an LED board, a screen), reported in heartbeats (issue 4). */
export const OutputStatusSchema = z.object({
  /** The output id used in proofs: `main`, `screen`, `led:<name>`. */
  id: z.string().min(1).max(80),
  kind: z.enum(['led', 'screen', 'log']),
  state: z.enum(['online', 'offline', 'error']),
  /** ms UTC of the last complete write to the board; null before the first. */
  lastWriteAt: DeviceClockInstantSchema.nullable(),
  lastError: z
    .object({ code: z.string().max(80), message: z.string().max(500), at: DeviceClockInstantSchema })
    .nullable(),
  protocol: z.string().max(20).optional(),
  port: z.string().max(300).optional(),
  address: z.string().max(10).optional(),
  /** Content shown (or being sent) now, and the last one that fully reached the board. */
  programmeId: z.string().max(200).nullable().optional(),
  deliveredProgrammeId: z.string().max(200).nullable().optional(),
  /** Plays whose picture never reached the board: they have no proof. */
  undeliveredPlays: z.number().int().nonnegative().optional(),
  /** The board's power plan state: `off` = blanked by the schedule (no proofs while off). */
  power: z.enum(['on', 'off']).optional(),
  /** Brightness the board was last set to (%), null when never set by bangtin. */
  brightness: z.number().int().min(0).max(100).nullable().optional(),
  /** The board's size (`96x16`) and LED colours, so the admin previews the sizes in use; optional for older players. */
  size: z
    .string()
    .regex(/^\d{1,4}x\d{1,4}$/)
    .optional(),
  colour: z.enum(['mono', 'tri', 'rgb']).optional(),
});

export const HeartbeatSchema = z.object({
  nowPlaying: NowPlayingSchema.nullable(),
  bundleVersion: z.number().int().nonnegative().nullable(),
  outboxSize: z.number().int().nonnegative(),
  uptimeMs: z.number().int().nonnegative(),
  clockOffsetMs: z.number().int(),
  /** Optional so players without outputs status (older ones) stay compatible. */
  outputs: z.array(OutputStatusSchema).max(32).optional(),
  /**
   * The player's clock: when it last measured the offset (controller clock), and the last change of
   * its wall clock it noticed (when, controller clock, and by how much). Optional (older players).
   */
  clock: z
    .object({
      measuredAt: DeviceInstantSchema.nullable(),
      jumpedAt: DeviceInstantSchema.nullable(),
      jumpMs: z
        .number()
        .int()
        .refine((ms) => isDateInstant(ms), 'must be an offset a date can hold (ms)')
        .nullable(),
    })
    .optional(),
  /** Space on the disk of the player's data folder (media cache, outbox); optional for older players. */
  disk: z
    .object({ freeBytes: z.number().int().nonnegative(), totalBytes: z.number().int().positive() })
    .refine((d) => d.freeBytes <= d.totalBytes, {
      message: 'freeBytes must not exceed totalBytes',
      path: ['freeBytes'],
    })
    .optional(),
  /**
   * The player's own storage when it is not fine: `full`/`error` while proofs wait in memory because
   * the disk refuses writes (`unrecordedPlays` of them), and plays lost outright. Optional (older players).
   */
  storage: z
    .object({
      state: z.enum(['ok', 'full', 'error']),
      unrecordedPlays: z.number().int().nonnegative(),
      lostPlays: z.number().int().nonnegative(),
      message: z.string().max(500).nullable(),
    })
    .optional(),
  /** The last time the player found its database damaged and rebuilt it (sent for a week after). */
  recovery: z
    .object({
      at: DeviceClockInstantSchema,
      reason: z.string().max(300),
      salvagedProofs: z.number().int().nonnegative(),
      salvagedSurveys: z.number().int().nonnegative(),
    })
    .optional(),
});

/** `96x16`: columns × rows of an LED board. */
export const BoardSizeSchema = z
  .string()
  .regex(/^\d{1,4}x\d{1,4}$/, 'must look like 96x16 (columns x rows)')
  .refine((s) => s.split('x').every((n) => Number(n) >= 1 && Number(n) <= 4096), 'columns and rows must be 1–4096');

/** A time of day on a board's power plan, `HH:MM` or `HH:MM:SS` (24-hour), in the device's zone. */
export const BoardTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be a 24-hour time such as 06:00 or 21:30');

/** When a board lights up and goes dark each day (a window may wrap midnight: on 18:00, off 06:00). */
export const BoardPowerSchema = z
  .object({ on: BoardTimeSchema, off: BoardTimeSchema })
  .refine((p) => p.on !== p.off, { message: 'on and off must differ', path: ['off'] });

/** Brightness steps through the day: from `at`, the board runs at `percent` until the next step. */
export const BoardBrightnessSchema = z
  .array(z.object({ at: BoardTimeSchema, percent: z.number().int().min(0).max(100) }))
  .min(1)
  .max(24)
  .refine((steps) => new Set(steps.map((s) => s.at)).size === steps.length, 'two steps at the same time');

/** LED protocols a player drives: Alpha signs, Onbon BX cards, Huidu HD cards. */
export const LED_PROTOCOLS = ['alpha', 'bx', 'huidu'] as const;

/**
 * Onbon cards by model (`card=` of a BX board): graphic cards of the 5th and 6th generation (E: red or
 * red+green, Q: full colour, network only) and the font cards (K), which only take ASCII text.
 */
export const BX_CARD_MODELS = [
  'bx-5e1',
  'bx-5e2',
  'bx-5e3',
  'bx-6e1',
  'bx-6e2',
  'bx-6e3',
  'bx-5q0',
  'bx-5q1',
  'bx-5q2',
  'bx-6q1',
  'bx-6q2',
  'bx-6q3',
  'bx-5k1',
  'bx-5k2',
  'bx-6k1',
] as const;

/** `HOST:PORT` of a network controller card (IPv6 in brackets). */
export const TcpTargetSchema = z
  .string()
  .max(260)
  .regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253}):\d{1,5}$/, 'must look like HOST:PORT, e.g. 192.168.1.50:5005')
  .refine((s) => {
    const port = Number(s.slice(s.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'port must be 1–65535');

/**
 * Paths a board's `port` may name: serial devices (`/dev/ttyUSB0`, `/dev/ttyS1`, `/dev/ttyACM0`,
 * `/dev/serial/by-id/…`, a pty `/dev/pts/3`), Windows `COM3`, and the socat pty pairs of the simulator
 * and tests (`…/bangtin-pty-XXXX/A`). A path pushed from the controller can thus never make a player
 * open an arbitrary file.
 */
export const SERIAL_PORT_PATH =
  /^(\/dev\/tty[A-Za-z0-9._-]{1,40}|\/dev\/pts\/\d{1,6}|\/dev\/serial\/by-(id|path)\/[A-Za-z0-9._:+-]{1,200}|COM[1-9]\d{0,2}|(\/[A-Za-z0-9._-]{1,100}){1,8}\/bangtin-pty-[A-Za-z0-9]{1,20}\/[AB])$/;
export const SERIAL_PORT_MESSAGE = 'must be a serial device such as /dev/ttyUSB0, /dev/serial/by-id/… or COM3';

/** One LED board wired to a player, as `--output led,…` or the controller configure it. */
export const LedOutputConfigSchema = z
  .object({
    /** Names the output (`led:<name>` in proofs); letters, digits, `-` and `_`. */
    name: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _'),
    protocol: z.enum(LED_PROTOCOLS),
    /** Serial device (Alpha, BX cards with a serial port): only serial device paths, never any file. */
    port: z.string().min(1).max(300).regex(SERIAL_PORT_PATH, SERIAL_PORT_MESSAGE).optional(),
    /** Network card (BX on TCP 5005, Huidu on TCP 10001): instead of `port`. */
    tcp: TcpTargetSchema.optional(),
    /** BX only: the card model, which decides the bytes of every picture. */
    card: z.enum(BX_CARD_MODELS).optional(),
    baud: z.coerce
      .number()
      .int()
      .refine((n) => [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].includes(n), {
        message: 'must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200',
      })
      .optional(),
    size: BoardSizeSchema.default('96x16'),
    /** Alpha: two hex digits (00 = every sign on the bus). BX: the screen number 1–65534 (default 1). */
    address: z.string().max(5).optional(),
    /** What the board's LEDs can show: one colour, tri-colour (red/green/amber) or full RGB. */
    colour: z.enum(['mono', 'tri', 'rgb']).optional(),
    /** Daily power-on/off (the player blanks the board while off); absent = always on. */
    power: BoardPowerSchema.optional(),
    /** Daily brightness steps; absent = the board's own setting. */
    brightness: BoardBrightnessSchema.optional(),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.port && o.tcp) issue('tcp', 'give either port (serial) or tcp (network), not both');
    if (o.protocol === 'alpha') {
      if (!o.port) issue('port', 'is required (the serial device, e.g. /dev/ttyUSB0)');
      if (o.tcp) issue('tcp', 'Alpha signs are serial: use port=');
      if (o.card) issue('card', 'only BX boards have a card model');
      if (o.address !== undefined && !/^[0-9A-Fa-f]{2}$/.test(o.address))
        issue('address', 'must be two hex digits (00 = every sign on the bus)');
    }
    if (o.protocol === 'bx') {
      if (!o.card) issue('card', `is required for BX boards (one of ${BX_CARD_MODELS.join(', ')})`);
      if (!o.port && !o.tcp) issue('port', 'is required: port=/dev/ttyUSB0 (serial) or tcp=HOST:5005 (network)');
      if (o.port && o.card && /^bx-[56]q/.test(o.card))
        issue('port', `${o.card} has no serial port: use tcp=HOST:5005`);
      if (o.address !== undefined && !(/^\d{1,5}$/.test(o.address) && +o.address >= 1 && +o.address <= 65534))
        issue('address', 'must be the BX screen number 1–65534');
      if (o.card && /^bx-[56]q/.test(o.card) && o.colour && o.colour !== 'rgb')
        issue('colour', `${o.card} is a full-colour card: rgb`);
      if (o.card && !/^bx-[56]q/.test(o.card) && o.colour === 'rgb')
        issue('colour', `${o.card} drives red or red+green boards: mono or tri`);
    }
    if (o.protocol === 'huidu') {
      if (!o.tcp) issue('tcp', 'is required for Huidu cards (HOST:10001)');
      if (o.port) issue('port', 'Huidu cards are driven over the network: use tcp=');
      if (o.card) issue('card', 'only BX boards have a card model');
    }
  })
  .transform((o) => ({
    ...o,
    baud: o.baud ?? (o.protocol === 'bx' ? 57600 : 9600),
    address:
      o.protocol === 'alpha'
        ? (o.address ?? '00').toUpperCase()
        : o.protocol === 'bx'
          ? String(Number(o.address ?? '1'))
          : '00',
  }));

/** Where a board is wired, for logs, status and bus checks: its serial device or `tcp://HOST:PORT`. */
export function boardLink(o: { port?: string | undefined; tcp?: string | undefined }): string {
  return o.port ?? `tcp://${o.tcp ?? ''}`;
}

/** Configuration the controller pushes to a player (`device:config`). */
export const DeviceConfigSchema = z.object({
  outputs: z.array(LedOutputConfigSchema).max(16),
});

const BUNDLE_HASH = /^[0-9a-f]{64}$/;
export const BundleAckSchema = z.object({
  version: z.number().int().nonnegative(),
  hash: z.string().regex(BUNDLE_HASH),
});

/**
 * BundleAckSchema's test without zod's result objects and copies: a province-wide change brings 10,000
 * acks at once (heap sampling put ~530 bytes of garbage on each). Null when it fails: parse with the
 * schema then, for an error naming the field. A property test holds the two to the same answers.
 */
export function readBundleAck(raw: unknown): { version: number; hash: string } | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { version, hash } = raw as { version?: unknown; hash?: unknown };
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return null;
  if (typeof hash !== 'string' || !BUNDLE_HASH.test(hash)) return null;
  return { version, hash };
}

export const HandshakeAuthSchema = z.object({
  token: z.string().min(16).max(200),
  protocol: z.number().int(),
  playerVersion: z.string().max(50).default('unknown'),
  /**
   * When the player lost its previous connection (controller clock, ms), so the controller measures the
   * gap from both sides (it may have died first, or noticed the loss late). Optional (older players).
   */
  lostAt: DeviceInstantSchema.optional(),
  /**
   * The device id and name the player remembers from its last `hello`, and the group it believes it is
   * in. Used only when the controller does not know the token (a database restored from before the
   * device was enrolled): then it records a re-enrolment request for an admin to approve.
   */
  // A malformed claim is dropped, never a reason to refuse a player whose token is good.
  deviceId: IdSchema.optional().catch(undefined),
  deviceName: NfcText(200).optional().catch(undefined),
  groupId: IdSchema.optional().catch(undefined),
  /**
   * The bundle the player holds (from its cache), so a reconnect after a controller restart or a network
   * flap does not resend 10,000 identical bundles: the controller skips the `bundle` when the hash is the
   * one it would send. Optional: a player that does not send it (older players) gets the bundle as before.
   * A malformed claim is dropped (the bundle is sent), never a reason to refuse the player.
   */
  bundleHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional()
    .catch(undefined),
  bundleVersion: z.number().int().nonnegative().optional().catch(undefined),
});

// ---------------------------------------------------------------------------------------------
// Scheduling (issue 3): recurrence, dayparts, holidays, urgent messages.
// Referenced lazily from BundleScheduleSchema/BundleSchema above, which are declared earlier.

/** An IANA time zone the runtime knows, e.g. `Asia/Ho_Chi_Minh`. */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => isValidTimeZone(tz), 'is not a known IANA time zone (e.g. Asia/Ho_Chi_Minh)');

/** A local calendar date `YYYY-MM-DD`. */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => parseLocalDate(d) !== null, 'is not a real calendar date');

/** A wall-clock time `HH:MM`, 00:00 to 24:00 (24:00 only makes sense as an end). */
export const LocalTimeSchema = z
  .string()
  .refine((t) => parseLocalTime(t) !== null, 'must be a time HH:MM between 00:00 and 24:00');

/**
 * A daily time window. `end` before `start` is an overnight daypart: `22:00–06:00` runs from 22:00
 * to 06:00 the next morning and belongs to the day it starts on (for `days`). `end == start` is
 * rejected: it would be either empty or a whole day, and staff mean neither.
 */
export const DaypartSchema = z.object({ start: LocalTimeSchema, end: LocalTimeSchema }).superRefine((d, ctx) => {
  const s = parseLocalTime(d.start);
  const e = parseLocalTime(d.end);
  if (s === null || e === null) return;
  if (s === 1440) ctx.addIssue({ code: 'custom', path: ['start'], message: 'must be before 24:00' });
  else if (e === s) ctx.addIssue({ code: 'custom', path: ['end'], message: `must differ from start ${d.start}` });
});

export const IsoWeekdaySchema = z
  .number()
  .int('must be an ISO weekday 1 (Monday) to 7 (Sunday)')
  .min(1, 'must be an ISO weekday 1 (Monday) to 7 (Sunday)')
  .max(7, 'must be an ISO weekday 1 (Monday) to 7 (Sunday)');

export const AlwaysRecurrenceSchema = z.object({ kind: z.literal('always') });

/** Only the validity window: startsAt and endsAt are both required. */
export const OnceRecurrenceSchema = z.object({ kind: z.literal('once') });

export const WeeklyRecurrenceSchema = z.object({
  kind: z.literal('weekly'),
  days: z
    .array(IsoWeekdaySchema)
    .min(1, 'pick at least one day')
    .max(7)
    .superRefine((days, ctx) => {
      const seen = new Set<number>();
      days.forEach((d, i) => {
        if (seen.has(d)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate day ${d}` });
        seen.add(d);
      });
    }),
  dayparts: z
    .array(DaypartSchema)
    .min(1, 'add at least one daypart')
    .max(24)
    .superRefine((parts, ctx) => {
      // Two dayparts of the same day must not overlap: staff who write 07:00–12:00 and 11:00–13:00
      // almost always typed one of them wrong, and a silent union would hide it.
      const spans = parts
        .map((p, i) => {
          const s = parseLocalTime(p.start);
          const e = parseLocalTime(p.end);
          return s === null || e === null || s === e ? null : { i, s, e: e > s ? e : e + 1440 };
        })
        .filter((x): x is { i: number; s: number; e: number } => x !== null)
        .sort((a, b) => a.s - b.s);
      for (let k = 1; k < spans.length; k++) {
        const prev = spans[k - 1]!;
        const cur = spans[k]!;
        if (cur.s < prev.e) {
          ctx.addIssue({
            code: 'custom',
            path: [cur.i],
            message: `overlaps daypart ${parts[prev.i]!.start}–${parts[prev.i]!.end}`,
          });
        }
      }
    }),
});

/** Each firing of `expression` (in the schedule's zone) opens a window of `durationMs`. */
export const CronRecurrenceSchema = z.object({
  kind: z.literal('cron'),
  expression: z
    .string()
    .min(1, 'must not be empty')
    .max(200)
    .superRefine((e, ctx) => {
      const why = cronExpressionError(e);
      if (why) ctx.addIssue({ code: 'custom', message: `invalid cron expression: ${why}` });
    }),
  durationMs: z.number().int().min(1000, 'must be at least 1 s').max(86_400_000, 'must be at most 24 h'),
});

export const RecurrenceSchema = z.discriminatedUnion('kind', [
  AlwaysRecurrenceSchema,
  OnceRecurrenceSchema,
  WeeklyRecurrenceSchema,
  CronRecurrenceSchema,
]);

/** A named list of holidays staff can edit (e.g. "Nghỉ lễ 2027"), shared by many schedules. */
export const HolidayListSchema = z.object({
  id: IdSchema,
  name: NfcText(200),
  dates: z.array(LocalDateSchema).max(1000),
});

/**
 * An urgent message: preempts every schedule on its targets from `startsAt` until `endsAt` (null =
 * until cancelled, which the controller does by setting `endsAt` or dropping it from the bundle).
 * It shows bundle content `contentId`, or else the plain `text`.
 */
export const InterruptSchema = z
  .object({
    id: IdSchema,
    contentId: IdSchema.nullable().optional(),
    text: NfcText(1000).nullable().optional(),
    startsAt: z.number().int(),
    endsAt: z.number().int().nullable().optional(),
    /** Length of one play (one proof); the message repeats for as long as it is active. Default 10 s. */
    itemDurationMs: z.number().int().min(1000).max(3_600_000).optional(),
    campaignId: IdSchema.nullable().optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.contentId ?? null) === null && (m.text ?? null) === null) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'an urgent message needs contentId or text' });
    }
    if (m.endsAt !== undefined && m.endsAt !== null && m.endsAt <= m.startsAt) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
  });

// ---------------------------------------------------------------------------------------------
// Kiosk surveys and media cache progress (issue 5).

/** One answer to a kiosk satisfaction survey, queued in the player's outbox like a proof. */
export const SurveyAnswerSchema = z.object({
  /** UUID v7 made on the kiosk: the controller stores each answer once. */
  id: z.string().uuid(),
  surveyId: z.string().min(1).max(64),
  /** 1 (rất không hài lòng) to 5 (rất hài lòng). */
  rating: z.number().int().min(1).max(5),
  /** The optional choice question's answer (an option key), null when skipped. */
  choice: z.string().min(1).max(100).nullable(),
  /** Controller-clock instant, ms UTC. */
  answeredAt: DeviceInstantSchema,
});

export const SurveyBatchSchema = z.object({
  answers: z.array(z.unknown()).min(1).max(5000),
});

/** A remote command from the device page to a screen player. */
export const DeviceCommandSchema = z.object({
  command: z.enum(['identify', 'reload', 'clear-cache', 'screenshot']),
  /** identify: how long the device name stays on screen. */
  durationMs: z.number().int().min(1000).max(120_000).optional(),
});

/** The player's media cache, as it reports it to the controller. */
export const MediaProgressSchema = z.object({
  /** Files the current bundle needs. */
  needed: z.number().int().nonnegative(),
  /** Of those, verified in the cache. */
  ready: z.number().int().nonnegative(),
  bytesNeeded: z.number().int().nonnegative(),
  bytesReady: z.number().int().nonnegative(),
  /** Failures by sha256 with the reason, for the device page. */
  failed: z.array(z.object({ sha256: z.string(), reason: z.string().max(300) })).max(100),
});

/** Largest screenshot a player may upload (a 4K PNG of a busy frame stays well under this). */
export const SCREENSHOT_MAX_BYTES = 6 * 1024 * 1024;

/**
 * A player's screenshot of what its screen output shows, answered to the `screenshot` command. The
 * PNG travels as a socket.io binary attachment (Buffer on Node, Uint8Array in the shared types).
 */
export const ScreenshotUploadSchema = z.object({
  // z.custom, not z.instanceof: Node's Buffer is a Uint8Array over an ArrayBufferLike.
  png: z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected PNG bytes (binary)' })
    .refine((b) => b.byteLength <= SCREENSHOT_MAX_BYTES, {
      message: `must be at most ${SCREENSHOT_MAX_BYTES} bytes`,
    }),
  /** Controller-clock instant of the capture, ms UTC (the player applies its measured clock offset). */
  capturedAt: DeviceInstantSchema,
  /**
   * The output's name as the player knows it ("screen", "Đèn LED"): NFC text, no control characters
   * (it is shown to staff and sent back, percent-encoded, in a response header).
   */
  output: NfcText(64).pipe(
    z.string().regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u, 'must be a name without control characters'),
  ),
});

const SurveyKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'use lowercase letters, digits and hyphens (at most 64)');

/**
 * The kiosk satisfaction survey, managed on the controller and delivered to kiosks (`survey:config`):
 * a rating question on a scale of 2 to 5 labelled points (answers are 1..n) and an optional
 * choice question. Changing the questions should change `id`, so answers to different wordings
 * are not mixed up in reports.
 */
export const SurveyConfigSchema = z.object({
  id: SurveyKey,
  question: NfcText(300),
  /** Labels of the rating points, worst first; the answer's `rating` is the 1-based position. */
  ratingLabels: z.array(NfcText(60)).min(2).max(5),
  choiceQuestion: z
    .object({
      question: NfcText(300),
      options: z
        .array(z.object({ key: SurveyKey, label: NfcText(100) }))
        .min(2)
        .max(10)
        .refine((o) => new Set(o.map((x) => x.key)).size === o.length, { message: 'option keys must be unique' }),
    })
    .nullable(),
});

/** The survey kiosks use until an administrator configures one, in Vietnamese (the lobby's language). */
export const DEFAULT_SURVEY_CONFIG: z.output<typeof SurveyConfigSchema> = {
  id: 'hai-long-2025',
  question: 'Ông/bà có hài lòng với việc giải quyết thủ tục hôm nay không?',
  ratingLabels: ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'],
  choiceQuestion: {
    question: 'Ông/bà đến làm thủ tục gì?',
    options: [
      { key: 'bhxh-tu-nguyen', label: 'BHXH tự nguyện' },
      { key: 'bhyt', label: 'Bảo hiểm y tế' },
      { key: 'che-do', label: 'Hưởng chế độ (ốm đau, thai sản, hưu trí)' },
      { key: 'khac', label: 'Việc khác' },
    ],
  },
};
