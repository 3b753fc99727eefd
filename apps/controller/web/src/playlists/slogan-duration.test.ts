import { describe, expect, it } from 'vitest';
import { renderSlogan } from '@bangtin/shared';
import { defaultSeconds, sloganShowMs, smallestBoard, timingBoards } from './slogan-duration';

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

describe('the boards a playlist is timed on', () => {
  const tiny = { width: 32, height: 8 };

  it('are the boards it reaches once scheduled, else every board in use', () => {
    expect(timingBoards([large], [tiny, small, large])).toEqual({ boards: [large], targeted: true });
    expect(timingBoards([], [tiny, small])).toEqual({ boards: [tiny, small], targeted: false });
    expect(timingBoards(undefined, [small])).toEqual({ boards: [small], targeted: false });
    // So a slogan on a playlist for the large board only is timed there, not on a smaller board elsewhere.
    const timed = timingBoards([large], [tiny, small, large]).boards;
    expect(sloganShowMs(LONG, timed)).toBe(sloganShowMs(LONG, [large]));
    expect(sloganShowMs(LONG, timed)).toBeLessThan(sloganShowMs(LONG, [tiny, small, large])!);
  });

  it('the smallest is the one with the fewest LEDs', () => {
    expect(smallestBoard([large, small, tiny])).toBe(tiny);
    expect(
      smallestBoard([
        { width: 64, height: 32 },
        { width: 128, height: 16 },
      ]),
    ).toEqual({ width: 64, height: 32 });
    expect(smallestBoard([])).toBeNull();
  });
});
