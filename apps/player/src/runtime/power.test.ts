import { describe, expect, it } from 'vitest';
import { boardPowerRules, dailyCron, powerStateAt, validatePowerRules, type PowerRule } from './power';

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

  it('turns a board plan into daily rules, seconds included, and a window may wrap midnight', () => {
    expect(dailyCron('06:00')).toBe('0 6 * * *');
    expect(dailyCron('21:30:15')).toBe('15 30 21 * * *');
    expect(() => dailyCron('24:00')).toThrow(/no such time/);
    const rules = boardPowerRules({
      power: { on: '18:00', off: '06:00' },
      brightness: [
        { at: '18:00', percent: 100 },
        { at: '22:00:30', percent: 40 },
      ],
    });
    expect(rules).toEqual([
      { cron: '0 18 * * *', power: 'on' },
      { cron: '0 6 * * *', power: 'off' },
      { cron: '0 18 * * *', brightness: 100 },
      { cron: '30 0 22 * * *', brightness: 40 },
    ]);
    validatePowerRules(rules);
    expect(powerStateAt(rules, vn(2027, 2, 10, 12))).toEqual({ power: 'off', brightness: 40 });
    expect(powerStateAt(rules, vn(2027, 2, 10, 19))).toEqual({ power: 'on', brightness: 100 });
    expect(powerStateAt(rules, vn(2027, 2, 10, 22, 0))).toEqual({ power: 'on', brightness: 100 });
    expect(powerStateAt(rules, vn(2027, 2, 10, 22, 1))).toEqual({ power: 'on', brightness: 40 });
    // After midnight, still on until 06:00.
    expect(powerStateAt(rules, vn(2027, 2, 11, 3))).toEqual({ power: 'on', brightness: 40 });
    expect(boardPowerRules({})).toEqual([]);
  });
});
