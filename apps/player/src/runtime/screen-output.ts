import type { Logger } from 'pino';
import {
  type Bundle,
  bundleForOutput,
  type ContentItem,
  type ContentType,
  DEFAULT_SURVEY_CONFIG,
  itemAt,
  type PlayPosition,
} from '@bangtin/shared';
import type { MediaCache } from '../cache/media-cache';
import type { KioskConfig, PlayMessage, RenderItem } from '../renderer/bridge-protocol';
import { captureViaRenderer } from './screen-capture';
import type { RendererChannel } from './browser-mode';
import type { CurrentPlay } from './playback';
import type { OutputSpec, Player } from './player';

/** A kiosk's screen plays the attract loop; its pages are the touch menu, not loop items. */
export const KIOSK_LOOP_TYPES: readonly ContentType[] = ['slogan', 'image', 'video', 'stream'];

export interface ScreenOutputOptions {
  id?: string;
  channel: RendererChannel;
  cache: MediaCache | null;
  /** Base URL the renderer loads cached media from (browser mode: `/media/`). */
  mediaBase: string;
  kiosk: { idleMs: number; english: boolean } | null;
  transitionMs?: number;
  deviceName?: string | null;
  log: Logger;
}

export interface ScreenOutput extends OutputSpec {
  /** Connects renderer reports to the player once it exists (it is created with this output). */
  attach(player: Player): void;
}

function needs(c: ContentItem): string | null {
  return c.type === 'image' || c.type === 'video' ? c.sha256 : null;
}

/**
 * The screen output: turns the playback's decisions into bridge messages for the renderer (with the
 * next item for preloading), skips items whose media is not verified in the cache (the screen keeps
 * its last frame instead of a broken one), and feeds the renderer's `shown`/`ended` reports back so
 * proofs carry what the screen really showed.
 */
export function createScreenOutput(opts: ScreenOutputOptions): ScreenOutput {
  const id = opts.id ?? 'screen';
  const accepts = opts.kiosk ? KIOSK_LOOP_TYPES : null;
  const { channel, cache, log } = opts;
  let player: Player | null = null;
  let waiting: { sha256: string; msg: PlayMessage } | null = null;

  const render = (c: ContentItem): RenderItem => {
    const sha = needs(c);
    return sha ? { ...c, src: cache?.has(sha) ? `${opts.mediaBase}${sha}` : null } : c;
  };
  const playable = (c: ContentItem) => {
    const sha = needs(c);
    return sha === null || (cache?.has(sha) ?? false);
  };

  function nextAfter(pos: PlayPosition): RenderItem | null {
    const b = player?.bundle();
    if (!b) return null;
    const next = itemAt(bundleForOutput(b, accepts), pos.slotEnd);
    return next && playable(next.content) ? render(next.content) : null;
  }

  function sendConfig(): void {
    // The controller's survey (cached for offline starts), else the built-in default.
    const survey = player?.surveyConfig() ?? DEFAULT_SURVEY_CONFIG;
    const kiosk: KioskConfig | null = opts.kiosk
      ? { idleMs: opts.kiosk.idleMs, english: opts.kiosk.english, survey }
      : null;
    channel.send({
      type: 'config',
      output: id,
      deviceName: opts.deviceName ?? null,
      mediaBase: opts.mediaBase,
      kiosk,
      transitionMs: opts.transitionMs ?? 0,
    });
  }

  function sendPages(b: Bundle | null): void {
    if (!opts.kiosk) return;
    const pages = (b?.content ?? []).filter((c) => c.type === 'page');
    channel.send({ type: 'pages', pages: pages.sort((x, y) => x.title.localeCompare(y.title, 'vi')) });
  }

  sendConfig();
  const onReady = (sha: string) => {
    // The media of the item due now just arrived: show it for the rest of its slot.
    if (waiting?.sha256 === sha) {
      const msg = { ...waiting.msg, item: render(waiting.msg.item) };
      waiting = null;
      channel.send(msg);
    }
  };
  cache?.on('ready', onReady);

  const unsubscribe = channel.onMessage((m) => {
    if (!player) return;
    switch (m.type) {
      case 'shown':
        return player.markShown(id, m.proofId, m.at);
      case 'ended':
        log.info({ proofId: m.proofId, reason: m.reason, detail: m.detail }, 'renderer ended an item early');
        return player.markEnded(id, m.proofId, m.at, m.reason);
      case 'survey':
        player.recordSurvey({
          surveyId: m.answer.surveyId,
          rating: m.answer.rating,
          choice: m.answer.choice,
          deviceAt: m.answer.at,
        });
        return log.info({ rating: m.answer.rating }, 'survey answer queued');
      case 'log':
        return log[m.level]({ proofId: m.proofId }, `renderer: ${m.message}`);
      case 'ready':
      case 'kiosk':
      case 'screenshot':
      case 'mark':
        return;
    }
  });

  async function screenshot(p: Player): Promise<void> {
    // One window answers for the device: the primary output (Electron's further windows are `screen:N`).
    if (id !== 'screen') return;
    try {
      const frame = channel.capture ? await channel.capture() : await captureViaRenderer(channel);
      const stored = await p.uploadScreenshot(frame.png, id, Date.now());
      log.info({ ...stored, bytes: frame.png.length }, 'screenshot uploaded');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'screenshot failed');
    }
  }

  return {
    id,
    accepts,
    confirmedByRenderer: true,
    close: async () => {
      unsubscribe();
      cache?.off('ready', onReady);
      player = null;
    },
    attach(p) {
      player = p;
      sendConfig();
      sendPages(p.bundle());
      p.on('bundle', (b) => sendPages(b));
      p.on('survey', () => player === p && sendConfig());
      p.on('command', (c) => {
        if (player !== p) return; // a restarted player's output is closed
        if (c.command === 'identify') {
          const text = opts.deviceName ?? p.deviceName() ?? 'bangtin';
          channel.send({ type: 'identify', text, durationMs: c.durationMs ?? 10_000 });
        } else if (c.command === 'reload') channel.send({ type: 'reload' });
        else if (c.command === 'clear-cache') void cache?.clear();
        else if (c.command === 'screenshot') void screenshot(p);
      });
    },
    show(pos: PlayPosition | null, play: CurrentPlay | null) {
      waiting = null;
      if (!pos || !play) return channel.send({ type: 'idle' });
      const msg: PlayMessage = { type: 'play', proofId: play.proofId, item: render(pos.content), next: nextAfter(pos) };
      const sha = needs(pos.content);
      if (sha && !playable(pos.content)) {
        log.warn({ contentId: pos.content.id, sha256: sha }, 'media not in the cache yet; item skipped');
        waiting = { sha256: sha, msg };
        return;
      }
      channel.send(msg);
    },
  };
}
