import cron, { type ScheduledTask } from 'node-cron';
import { compileCron, cronMatchesDay, localDayOf, localTimeToUtc, TIMEZONE } from '@bangtin/shared';

/** One rule of a board's power/brightness plan, e.g. `{cron: '0 6 * * 1-6', power: 'on', brightness: 80}`. */
export interface PowerRule {
  cron: string;
  power?: 'on' | 'off';
  /** 0–100 %. */
  brightness?: number;
}

export interface PowerState {
  power: 'on' | 'off';
  brightness: number;
}

export const DEFAULT_POWER: PowerState = { power: 'on', brightness: 100 };

/** Rules are checked like schedule crons (shared parser): a bad one throws with the reason. */
export function validatePowerRules(rules: PowerRule[]): void {
  rules.forEach((r, i) => {
    compileCron(r.cron);
    if (r.brightness !== undefined && !(Number.isInteger(r.brightness) && r.brightness >= 0 && r.brightness <= 100)) {
      throw new RangeError(`rule ${i}: brightness must be a whole number 0–100`);
    }
    if (r.power === undefined && r.brightness === undefined) throw new RangeError(`rule ${i}: set power or brightness`);
  });
}

/**
 * The power and brightness in force at `t`: each field takes the value of the latest rule firing (in
 * the zone) that set it within the last 8 days. Pure, so a board that boots at 14:00 lights up as
 * the 06:00 rule said, without waiting for the next firing.
 */
export function powerStateAt(rules: PowerRule[], t: number, timeZone = TIMEZONE): PowerState {
  const state = { ...DEFAULT_POWER };
  let powerAt = -Infinity;
  let brightAt = -Infinity;
  const today = localDayOf(timeZone, t);
  for (const r of rules) {
    const c = compileCron(r.cron);
    for (let day = today; day >= today - 8; day--) {
      if (!cronMatchesDay(c, day)) continue;
      let fired = -Infinity;
      for (const sec of c.secondsOfDay) {
        const at = localTimeToUtc(timeZone, day, Math.floor(sec / 60)) + (sec % 60) * 1000;
        if (at <= t) fired = at;
      }
      if (fired === -Infinity) continue;
      // Later rules in the list win ties, like later lines in a crontab.
      if (r.power && fired >= powerAt) {
        powerAt = fired;
        state.power = r.power;
      }
      if (r.brightness !== undefined && fired >= brightAt) {
        brightAt = fired;
        state.brightness = r.brightness;
      }
      break;
    }
  }
  return state;
}

/** `06:00` → `0 6 * * *`, `06:00:30` → `30 0 6 * * *` (node-cron and the shared parser take both). */
export function dailyCron(time: string): string {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!m) throw new RangeError(`time must look like 06:00 or 06:00:30, got ${JSON.stringify(time)}`);
  const [h, min, sec] = [Number(m[1]), Number(m[2]), m[3] === undefined ? null : Number(m[3])];
  if (h > 23 || min > 59 || (sec !== null && sec > 59)) throw new RangeError(`no such time of day: ${time}`);
  return sec === null ? `${min} ${h} * * *` : `${sec} ${min} ${h} * * *`;
}

/** A board's daily plan (`power: {on, off}`, `brightness: [{at, percent}]`) as power rules. */
export function boardPowerRules(plan: {
  power?: { on: string; off: string } | undefined;
  brightness?: readonly { at: string; percent: number }[] | undefined;
}): PowerRule[] {
  const rules: PowerRule[] = [];
  if (plan.power) {
    rules.push({ cron: dailyCron(plan.power.on), power: 'on' });
    rules.push({ cron: dailyCron(plan.power.off), power: 'off' });
  }
  for (const step of plan.brightness ?? []) rules.push({ cron: dailyCron(step.at), brightness: step.percent });
  return rules;
}

/** Applies the plan live with node-cron: `apply` is called now and at every rule firing. */
export class PowerSchedule {
  private tasks: ScheduledTask[] = [];

  constructor(
    private readonly rules: PowerRule[],
    private readonly apply: (s: PowerState) => void,
    private readonly now: () => number = Date.now,
    private readonly timeZone = TIMEZONE,
  ) {
    validatePowerRules(rules);
  }

  start(): void {
    this.apply(powerStateAt(this.rules, this.now(), this.timeZone));
    for (const r of this.rules) {
      this.tasks.push(
        // Evaluated a second ahead: a timer that fires a hair before the second would otherwise still
        // see the previous state and the board would not switch until the next rule.
        cron.schedule(r.cron, () => this.apply(powerStateAt(this.rules, this.now() + 1000, this.timeZone)), {
          timezone: this.timeZone,
        }),
      );
    }
  }

  async stop(): Promise<void> {
    for (const t of this.tasks.splice(0)) await t.destroy();
  }
}
