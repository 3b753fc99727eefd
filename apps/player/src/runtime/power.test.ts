import { describe, expect, it } from 'vitest';
import { powerStateAt, validatePowerRules, type PowerRule } from './power';

// Vietnam local time → UTC ms.
const vn = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi);

const plan: PowerRule[] = [
  { cron: '0 6 * * 1-6', power: 'on', brightness: 60 },
  { cron: '0 9 * * 1-6', brightness: 100 },
  { cron: '30 21 * * *', power: 'off' },
];

describe('board power plan', () => {
  it('is the latest firing of each field, in Vietnam time', () => {
    // Wednesday 2027-02-10.
    expect(powerStateAt(plan, vn(2027, 2, 10, 5, 59))).toEqual({ power: 'off', brightness: 100 });
    expect(powerStateAt(plan, vn(2027, 2, 10, 6, 0))).toEqual({ power: 'on', brightness: 60 });
    expect(powerStateAt(plan, vn(2027, 2, 10, 12))).toEqual({ power: 'on', brightness: 100 });
    expect(powerStateAt(plan, vn(2027, 2, 10, 21, 30))).toEqual({ power: 'off', brightness: 100 });
    // Sunday: no 06:00 rule, the board stays off from Saturday night.
    expect(powerStateAt(plan, vn(2027, 2, 14, 12))).toEqual({ power: 'off', brightness: 100 });
  });

  it('rejects bad rules with the reason', () => {
    expect(() => validatePowerRules([{ cron: '0 25 * * *', power: 'on' }])).toThrow();
    expect(() => validatePowerRules([{ cron: '0 6 * * *', brightness: 150 }])).toThrow(/brightness/);
    expect(() => validatePowerRules([{ cron: '0 6 * * *' }])).toThrow(/power or brightness/);
  });
});
