import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { TIMEZONE, utcToLocal } from '@bangtin/shared';
import type { JobStore } from '../store/jobs';
import type { ControllerMetrics } from '../metrics';

export type JobMetrics = Pick<ControllerMetrics, 'jobRuns' | 'jobFailures'>;

/** How often a job runs, in local time (Asia/Ho_Chi_Minh): its slot is the period it covers. */
export type JobPeriod =
  { every: 'minute' } | { every: 'hour'; minute: number } | { every: 'day'; hour: number; minute: number };

export interface JobDef<R = unknown> {
  name: string;
  period: JobPeriod;
  /** The work. Must be idempotent: an unfinished slot (crash, error) is run again. */
  run(now: number): R;
  /** Side effects outside the database (pushing bundles), after the slot is recorded as finished. */
  after?(result: R): void;
}

export function cronOf(p: JobPeriod): string {
  if (p.every === 'minute') return '* * * * *';
  if (p.every === 'hour') return `${p.minute} * * * *`;
  return `${p.minute} ${p.hour} * * *`;
}

/**
 * The slot a run at `t` belongs to, named in local time: `2027-02-10T08:15` (minute), `2027-02-10T08`
 * (hour), `2027-02-10` (day: the date whose run time is the latest one not after `t`, so a controller
 * started at 00:30 still owes yesterday's 01:15 run if it was missed).
 */
export function slotOf(p: JobPeriod, t: number, timeZone = TIMEZONE): string {
  const local = utcToLocal(timeZone, t);
  if (p.every === 'minute') return new Date(local).toISOString().slice(0, 16);
  if (p.every === 'hour') return new Date(local - p.minute * 60_000).toISOString().slice(0, 13);
  return new Date(local - (p.hour * 60 + p.minute) * 60_000).toISOString().slice(0, 10);
}

export class JobRunner {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<string>();
  /** False while the disk is full: slots are then not claimed (claiming is a write) and run on recovery. */
  writable: () => boolean = () => true;

  constructor(
    private readonly jobs: JobStore,
    private readonly defs: JobDef[],
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly metrics: JobMetrics | null = null,
  ) {
    // Every job has its series from the start (0), so a scrape shows which jobs exist before they run.
    for (const def of defs) {
      metrics?.jobRuns.inc({ job: def.name }, 0);
      metrics?.jobFailures.inc({ job: def.name }, 0);
    }
  }

  /** Runs `def` for the slot containing `at`, unless that slot already finished. Returns whether it ran. */
  runSlot(def: JobDef, slot: string): boolean {
    const key = `${def.name}|${slot}`;
    if (this.running.has(key) || !this.writable()) return false;
    if (!this.jobs.claim(def.name, slot, this.now())) return false;
    this.running.add(key);
    this.metrics?.jobRuns.inc({ job: def.name });
    try {
      const result = def.run(this.now());
      this.jobs.finish(def.name, slot, result);
      this.log.debug({ job: def.name, slot, result }, 'job finished');
      try {
        def.after?.(result);
      } catch (err) {
        this.metrics?.jobFailures.inc({ job: def.name });
        this.log.error({ err, job: def.name, slot }, 'job follow-up failed');
      }
      return true;
    } catch (err) {
      // Left unfinished on purpose: the next start (or trigger of this slot) runs it again.
      this.metrics?.jobFailures.inc({ job: def.name });
      this.log.error({ err, job: def.name, slot }, 'job failed');
      return false;
    } finally {
      this.running.delete(key);
    }
  }

  /** Catch-up: slots left unfinished by a crash, then each job's current slot if it has not run. */
  catchUp(): void {
    for (const def of this.defs) {
      for (const slot of this.jobs.unfinished(def.name)) this.runSlot(def, slot);
      this.runSlot(def, slotOf(def.period, this.now()));
    }
  }

  start(): void {
    this.catchUp();
    for (const def of this.defs) {
      this.tasks.push(
        cron.schedule(
          cronOf(def.period),
          // The scheduled instant, not "now": a late tick still names the slot it was meant for.
          (ctx) => void this.runSlot(def, slotOf(def.period, ctx.date.getTime())),
          { name: def.name, timezone: TIMEZONE, noOverlap: true },
        ),
      );
    }
  }

  async stop(): Promise<void> {
    for (const t of this.tasks.splice(0)) await t.destroy();
  }
}
