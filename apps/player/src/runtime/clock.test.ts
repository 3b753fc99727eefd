import { describe, expect, it } from 'vitest';
import { ControllerClock, estimateOffset } from './clock';

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

describe('ControllerClock (injected wall and monotonic clocks)', () => {
  const hour = 3_600_000;
  const T = Date.UTC(2027, 0, 4, 1, 0, 0);
  function sources() {
    const s = { wall: T, mono: 5_000, wallNow: () => s.wall, monoNow: () => s.mono };
    return s;
  }

  it('advances with the monotonic clock from the measured anchor, not with the wall clock', () => {
    const s = sources();
    const c = new ControllerClock(s, 0);
    c.anchor(T + 2 * hour, s.mono); // the controller is 2 h ahead of this device
    s.mono += 10_000;
    s.wall += 10_000;
    expect(c.now()).toBe(T + 2 * hour + 10_000);
    // The device clock is set back 2 h: controller time does not move.
    s.wall -= 2 * hour;
    s.mono += 1_000;
    s.wall += 1_000;
    expect(c.now()).toBe(T + 2 * hour + 11_000);
    expect(c.offsetMs).toBe(4 * hour);
  });

  it('reports a wall-clock jump once, with its size and the controller time it was noticed', () => {
    const s = sources();
    const c = new ControllerClock(s, 500);
    s.mono += 3_000;
    s.wall += 3_000 + 800; // drift under a second is not a jump
    expect(c.checkJump()).toBeNull();
    s.wall += 8 * 24 * hour;
    const jump = c.checkJump();
    expect(jump).toEqual({ jumpMs: 8 * 24 * hour + 800, at: T + 500 + 3_000 });
    expect(c.checkJump()).toBeNull();
    expect(c.lastJump).toEqual(jump);
    expect(c.now()).toBe(T + 500 + 3_000);
  });

  it('still reports a jump when a measurement re-anchored the clock before the check', () => {
    const s = sources();
    const c = new ControllerClock(s, 0);
    s.mono += 1_000;
    s.wall += 1_000 + 8 * 24 * hour;
    c.anchor(T + 1_000, s.mono); // a reconnect measured the offset before the periodic check ran
    expect(c.now()).toBe(T + 1_000);
    const jump = c.checkJump();
    expect(jump?.jumpMs).toBe(8 * 24 * hour);
    expect(c.checkJump()).toBeNull();
    expect(c.offsetMs).toBe(-8 * 24 * hour);
  });

  it('maps a wall-clock reading to controller time with the offset of now', () => {
    const s = sources();
    const c = new ControllerClock(s, -6_000);
    s.wall -= 2 * hour;
    expect(c.fromWall(s.wall - 250)).toBe(T - 6_000 - 250);
    c.setOffset(1_000);
    expect(c.now()).toBe(s.wall + 1_000);
  });
});
