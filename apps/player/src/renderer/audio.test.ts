import { describe, expect, it } from 'vitest';
import { startPlayback, wantsSound, type PlayableMedia } from './audio';
import type { RenderItem } from './bridge-protocol';

const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const SHA = 'ab'.repeat(32);
const video = (audio?: boolean): RenderItem => ({
  id: ID,
  type: 'video',
  title: null,
  sha256: SHA,
  size: 10,
  width: null,
  height: null,
  mime: 'video/webm',
  durationMs: null,
  ...(audio === undefined ? {} : { audio }),
});

class DOMExceptionLike extends Error {
  constructor(
    message: string,
    override readonly name: string,
  ) {
    super(message);
  }
}

/** A media element whose play() follows an autoplay policy: `unmuted` says whether sound may start. */
function media(policy: { unmuted: boolean; muted?: boolean }): PlayableMedia & { plays: boolean[] } {
  const m = {
    muted: false,
    plays: [] as boolean[],
    play(): Promise<void> {
      m.plays.push(m.muted);
      if (!m.muted && !policy.unmuted)
        return Promise.reject(
          new DOMExceptionLike("play() failed because the user didn't interact", 'NotAllowedError'),
        );
      if (m.muted && policy.muted === false)
        return Promise.reject(new DOMExceptionLike('no decoder', 'NotSupportedError'));
      return Promise.resolve();
    },
  };
  return m;
}

describe('wantsSound', () => {
  it('is on only for videos and streams that ask for it', () => {
    expect(wantsSound(video())).toBe(false);
    expect(wantsSound(video(false))).toBe(false);
    expect(wantsSound(video(true))).toBe(true);
    expect(wantsSound({ id: ID, type: 'stream', title: null, url: 'http://x.vn/a.m3u8', audio: true })).toBe(true);
    expect(wantsSound({ id: ID, type: 'slogan', text: 'Khẩu hiệu', title: null })).toBe(false);
  });
});

describe('startPlayback', () => {
  it('plays muted by default', async () => {
    const m = media({ unmuted: false });
    expect(await startPlayback(m, false)).toEqual({ result: 'muted' });
    expect(m.muted).toBe(true);
    expect(m.plays).toEqual([true]);
  });

  it('unmutes when sound is wanted and the policy allows it', async () => {
    const m = media({ unmuted: true });
    m.muted = true; // as the renderer creates every video
    expect(await startPlayback(m, true)).toEqual({ result: 'sound' });
    expect(m.muted).toBe(false);
  });

  it('falls back to muted playback when the autoplay policy refuses sound, and says why', async () => {
    const m = media({ unmuted: false });
    const r = await startPlayback(m, true);
    expect(r.result).toBe('muted-fallback');
    expect(r).toHaveProperty('detail', expect.stringContaining('NotAllowedError'));
    expect(m.muted).toBe(true);
    expect(m.plays).toEqual([false, true]);
  });

  it('reports a failure other than the policy without retrying muted', async () => {
    const m = media({ unmuted: true, muted: false });
    const r = await startPlayback(m, false);
    expect(r).toEqual({ result: 'failed', detail: 'NotSupportedError: no decoder' });
    expect(m.plays).toEqual([true]);
  });

  it('reports a failure when even muted playback is refused', async () => {
    const m = media({ unmuted: false, muted: false });
    const r = await startPlayback(m, true);
    expect(r.result).toBe('failed');
    expect(m.plays).toEqual([false, true]);
  });
});
