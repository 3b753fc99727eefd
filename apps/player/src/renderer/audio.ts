import type { RenderItem } from './bridge-protocol';

/** The part of an HTMLMediaElement playback needs (so the decision is testable without a DOM). */
export interface PlayableMedia {
  muted: boolean;
  play(): Promise<void>;
}

export type PlaybackStart =
  | { result: 'sound' | 'muted' }
  /** Sound was asked for but refused by the autoplay policy: playing muted instead. */
  | { result: 'muted-fallback'; detail: string }
  | { result: 'failed'; detail: string };

/** Sound only for videos and streams whose content asks for it; lobby screens are silent by default. */
export function wantsSound(item: RenderItem): boolean {
  return (item.type === 'video' || item.type === 'stream') && item.audio === true;
}

const describe = (err: unknown) => {
  const e = err as { name?: unknown; message?: unknown } | null;
  return `${String(e?.name ?? 'Error')}: ${String(e?.message ?? err)}`.slice(0, 200);
};

/**
 * Starts a video, with sound when asked. Chromium refuses unmuted autoplay without a user gesture
 * unless the policy allows it (Electron: `autoplayPolicy: 'no-user-gesture-required'`; a kiosk
 * browser: `--autoplay-policy=no-user-gesture-required`). A refusal must not leave a frozen first
 * frame on a lobby screen, so the video then plays muted and the caller logs why.
 */
export async function startPlayback(media: PlayableMedia, withSound: boolean): Promise<PlaybackStart> {
  media.muted = !withSound;
  try {
    await media.play();
    return { result: withSound ? 'sound' : 'muted' };
  } catch (err) {
    if (!withSound || (err as { name?: unknown } | null)?.name !== 'NotAllowedError') {
      return { result: 'failed', detail: describe(err) };
    }
    media.muted = true;
    try {
      await media.play();
      return { result: 'muted-fallback', detail: `sound refused (${describe(err)}); playing muted` };
    } catch (again) {
      return { result: 'failed', detail: describe(again) };
    }
  }
}
