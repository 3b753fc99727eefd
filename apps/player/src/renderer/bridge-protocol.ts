import { z } from 'zod';
import type { ContentItem, SurveyConfig } from '@bangtin/shared';

/**
 * The one channel between a renderer (Electron window or a kiosk browser in browser mode) and the
 * player runtime. Electron carries it over IPC (preload `window.bangtin`), browser mode over a
 * loopback WebSocket; the messages are the same, so both show exactly the same thing.
 */

/** Content as a renderer gets it: image/video carry `src`, the local URL of the verified cached file. */
export type RenderItem = ContentItem & { src?: string | null };

export interface KioskConfig {
  /** Back to the attract loop after this long without a touch. */
  idleMs: number;
  /** `--kiosk-english`: the kiosk's own texts get an English line under the Vietnamese (default off). */
  english: boolean;
  survey: SurveyDefinition;
}

/** The survey managed on the controller (`survey:config`), or the shared default before any arrived. */
export type SurveyDefinition = SurveyConfig;

export interface PlayMessage {
  type: 'play';
  proofId: string;
  item: RenderItem;
  /** What comes after, for preloading (double buffering); null when unknown. */
  next: RenderItem | null;
}

export type RuntimeToRenderer =
  | {
      type: 'config';
      output: string;
      deviceName: string | null;
      /** Base URL of cached media, e.g. `http://127.0.0.1:5174/media/` or `bangtin-media://m/`. */
      mediaBase: string;
      kiosk: KioskConfig | null;
      /** Cross-fade length between items, ms; 0 = cut. */
      transitionMs: number;
    }
  | PlayMessage
  /** Nothing scheduled now. */
  | { type: 'idle' }
  /** Kiosk information pages (the menu), in order. */
  | { type: 'pages'; pages: RenderItem[] }
  | { type: 'identify'; text: string; durationMs: number }
  | { type: 'reload' }
  /** Draw what the stage shows now and answer with a `screenshot` message carrying the same id. */
  | { type: 'capture'; requestId: string };

/**
 * The state slot a message fills, replayed to a renderer that (re)connects or reloads so it shows the
 * current state at once; null for one-off commands, which must not run again on a reload. `play` and
 * `idle` share a slot: what is on screen now.
 */
export function replaySlot(m: RuntimeToRenderer): string | null {
  switch (m.type) {
    case 'identify':
    case 'reload':
    case 'capture':
      return null;
    case 'idle':
      return 'play';
    default:
      return m.type;
  }
}

/** Largest PNG a renderer may send back, as base64 text (about 6 MiB of bytes). */
export const SCREENSHOT_BASE64_MAX = 8 * 1024 * 1024;

const at = z.number().finite().positive();

export const RendererToRuntimeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** The item is on screen (first frame presented) since `at`, the device's wall clock in ms. */
  z.object({ type: z.literal('shown'), proofId: z.string().uuid(), at }),
  /** The item left the screen before its slot ended, and why. */
  z.object({
    type: z.literal('ended'),
    proofId: z.string().uuid(),
    at,
    reason: z.enum(['media-error', 'user-interaction']),
    detail: z.string().max(300).optional(),
  }),
  z.object({
    type: z.literal('survey'),
    answer: z.object({
      surveyId: z.string().min(1).max(64),
      rating: z.number().int().min(1).max(5),
      choice: z.string().min(1).max(100).nullable(),
      at,
    }),
  }),
  z.object({ type: z.literal('kiosk'), state: z.enum(['loop', 'menu', 'page', 'survey', 'thanks']) }),
  /** Answer to `capture`: a PNG (base64, no data: prefix) of the output, or why it could not be made. */
  z.object({
    type: z.literal('screenshot'),
    requestId: z.string().uuid(),
    result: z.union([
      z.object({
        png: z
          .string()
          .max(SCREENSHOT_BASE64_MAX)
          .regex(/^[A-Za-z0-9+/]+={0,2}$/),
        width: z.number().int().positive().max(16_384),
        height: z.number().int().positive().max(16_384),
      }),
      z.object({ error: z.string().max(300) }),
    ]),
  }),
  /** Something the player's log should say about what the screen did (e.g. sound refused, played muted). */
  z.object({
    type: z.literal('log'),
    level: z.enum(['info', 'warn']),
    message: z.string().max(300),
    proofId: z.string().uuid().optional(),
  }),
  /** Timing marks for the benchmark (gap between items measured in the renderer). */
  z.object({ type: z.literal('mark'), name: z.string().max(64), ms: z.number().finite() }),
]);

export type RendererToRuntime = z.infer<typeof RendererToRuntimeSchema>;

/** What the preload exposes as `window.bangtin` (checked with `satisfies`), and what browser mode emulates. */
export interface PlayerBridge {
  /** Subscribes to the runtime's messages; returns the unsubscribe function. */
  onMessage(listener: (m: RuntimeToRenderer) => void): () => void;
  send(m: RendererToRuntime): void;
}
