import { describe, expect, it } from 'vitest';
import { estimateOffset } from './clock';

describe('estimateOffset', () => {
  it('uses the probe with the shortest round trip', () => {
    // Device clock is 1 h behind the controller; the second probe had the least network delay.
    const hour = 3_600_000;
    const r = estimateOffset([
      { sentAt: 1000, serverTime: 1000 + hour + 400, receivedAt: 1900 },
      { sentAt: 2000, serverTime: 2000 + hour + 10, receivedAt: 2020 },
      { sentAt: 3000, serverTime: 3000 + hour + 50, receivedAt: 3300 },
    ]);
    expect(r).toEqual({ offsetMs: hour, rttMs: 20 });
  });

  it('finds a negative offset for a clock that runs ahead', () => {
    expect(estimateOffset([{ sentAt: 10_000, serverTime: 4_005, receivedAt: 10_010 }]).offsetMs).toBe(-6000);
  });

  it('ignores impossible samples and refuses when none is left', () => {
    expect(() => estimateOffset([{ sentAt: 5, serverTime: 1, receivedAt: 4 }])).toThrow(RangeError);
  });
});
