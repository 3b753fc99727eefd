import { describe, expect, it } from 'vitest';
import { renderSlogan } from '@bangtin/shared';
import { defaultSeconds, sloganShowMs } from './slogan-duration';

const small = { width: 64, height: 16 };
const large = { width: 192, height: 32 };
const LONG = 'Tham gia bảo hiểm xã hội tự nguyện để được hưởng lương hưu khi về già';

describe('a playlist item’s default length for a slogan', () => {
  it('is the scroll time on the smallest board, from the renderer’s own frames', () => {
    const onSmall = renderSlogan(LONG, small).frames.reduce((ms, f) => ms + f.durationMs, 0);
    const onLarge = renderSlogan(LONG, large).frames.reduce((ms, f) => ms + f.durationMs, 0);
    expect(onSmall).toBeGreaterThan(onLarge);
    expect(sloganShowMs(LONG, [large, small])).toBe(onSmall);
    expect(defaultSeconds(onSmall)).toBe(Math.ceil(onSmall / 1000));
  });

  it('falls back when no board is known or the text is empty', () => {
    expect(sloganShowMs(LONG, [])).toBeNull();
    expect(sloganShowMs('  ', [small])).toBeNull();
    expect(defaultSeconds(null)).toBe(10);
    expect(defaultSeconds(10)).toBe(1);
  });
});
