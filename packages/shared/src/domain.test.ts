import { describe, expect, it } from 'vitest';
import { CLOCK_JUMP_WARN_MS, deviceClockView } from './domain';

describe('deviceClockView', () => {
  const now = Date.UTC(2027, 0, 4, 1, 0, 0);
  it('warns of a clock more than a minute off, and of a change noticed within a day', () => {
    expect(deviceClockView(59_000, null, now).warning).toBeNull();
    expect(deviceClockView(-7_200_000, null, now).warning).toBe('skewed');
    const jump = { jumpedAt: now - 1000, jumpMs: -7_200_000 };
    expect(deviceClockView(7_200_000, jump, now)).toEqual({
      offsetMs: 7_200_000,
      warning: 'jumped',
      jumpedAt: new Date(now - 1000).toISOString(),
      jumpMs: -7_200_000,
    });
    expect(deviceClockView(0, { jumpedAt: now - CLOCK_JUMP_WARN_MS, jumpMs: 5000 }, now).warning).toBeNull();
    expect(deviceClockView(null, null, now)).toEqual({ offsetMs: null, warning: null, jumpedAt: null, jumpMs: null });
  });
});
