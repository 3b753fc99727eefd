import type { Logger } from 'pino';
import type { Store } from '../store';
import type { Hub } from '../hub/hub';
import { applyCampaignStatuses } from '../http/campaigns';
import { deviceStatus } from './device-status';
import { advanceHorizon } from './horizon';
import { type JobDef, type JobMetrics, JobRunner } from './runner';
import { nightlyBackup, type NightlyResult } from '../store/backup';

export interface JobOptions {
  /** Proofs older than this are deleted once rolled up into `proof_daily`. */
  proofRetentionDays: number;
  /** Nightly copies go here (BANGTIN_BACKUP_DIR, default `<data-dir>/backups`); none when absent. */
  backupDir?: string;
  /** Nightly copies older than this are deleted (BANGTIN_BACKUP_KEEP_DAYS, default 14). */
  backupKeepDays?: number;
}

const DAY_MS = 86_400_000;

export function schedulingJobs(store: Store, hub: () => Hub, log: Logger, opts: JobOptions): JobDef[] {
  const campaigns: JobDef<{ changed: string[]; expired: number }> = {
    name: 'campaign-status',
    period: { every: 'minute' },
    run: (now) => ({
      changed: applyCampaignStatuses(store, now),
      // Windows that closed in the last two minutes: the refresh drops them from bundles.
      expired: store.schedules.endedBetween(now - 120_000, now) + store.interrupts.endedBetween(now - 120_000, now),
    }),
    after: (r) => {
      if (r.changed.length > 0) log.info({ campaigns: r.changed }, 'campaign status changed');
      if (r.changed.length > 0 || r.expired > 0) hub().requestRefresh();
    },
  };
  const horizon: JobDef<{ horizonUntil: number | null }> = {
    name: 'bundle-horizon',
    period: { every: 'hour', minute: 7 },
    run: (now) => ({ horizonUntil: advanceHorizon(store, now) }),
    after: (r) => {
      if (r.horizonUntil === null) return;
      log.info(
        { horizonUntil: new Date(r.horizonUntil).toISOString() },
        'bundle horizon moved; refreshing every device',
      );
      hub().refresh();
    },
  };
  const devices: JobDef<{ changed: number }> = {
    name: 'device-status',
    period: { every: 'minute' },
    run: (now) => {
      const statuses = new Map<string, string>();
      for (const d of store.devices.list()) {
        if (d.revokedAt === null) statuses.set(d.id, deviceStatus(hub().isOnline(d.id), d.lastSeenAt, now));
      }
      const changed = store.devices.writeStatuses(statuses, now);
      for (const id of changed) log.info({ deviceId: id, status: statuses.get(id) }, 'device status changed');
      return { changed: changed.length };
    },
  };
  // Unreadable proofs the rollup moved to quarantined_rows (see store/quarantine.ts): one warning a run.
  const takeQuarantined = () => {
    const n = store.rollups.quarantined;
    store.rollups.quarantined = 0;
    return n;
  };
  const warnQuarantined = (r: { quarantined: number }) => {
    if (r.quarantined > 0)
      log.warn({ quarantined: r.quarantined }, 'unreadable proofs skipped by the rollup and moved to quarantined_rows');
  };
  const rollup: JobDef<{ rolled: number; quarantined: number }> = {
    name: 'proof-rollup',
    period: { every: 'day', hour: 1, minute: 15 },
    run: () => ({ rolled: store.rollups.rollupAll(), quarantined: takeQuarantined() }),
    after: warnQuarantined,
  };
  // The open day, up to the minute: each run adds only the proofs that arrived since the last one (the
  // rolled_up flag), so the airtime report reads today from proof_daily plus a tail of a minute or so.
  const openDay: JobDef<{ rolled: number; quarantined: number }> = {
    name: 'proof-rollup-open-day',
    period: { every: 'minute' },
    run: () => ({ rolled: store.rollups.rollupAll(), quarantined: takeQuarantined() }),
    after: warnQuarantined,
  };
  const retention: JobDef<{
    rolled: number;
    quarantined: number;
    deleted: number;
    prunedRuns: number;
    prunedSessions: number;
    prunedAudit: number;
  }> = {
    name: 'proof-retention',
    period: { every: 'day', hour: 1, minute: 45 },
    run: (now) => {
      // Roll up first: retention may only delete proofs already counted in proof_daily.
      const rolled = store.rollups.rollupAll();
      const deleted = store.rollups.deleteRolledBefore(now - opts.proofRetentionDays * DAY_MS);
      // Connectivity sessions back the availability report over the same span as the proofs.
      const prunedSessions = store.connectivity.deleteEndedBefore(now - opts.proofRetentionDays * DAY_MS);
      // The audit trail is kept as long as the proofs. Its table refuses a cutoff within a day of its own
      // clock, so the cutoff never passes two days before the real time (a test may run the job "later").
      const auditCutoff = Math.min(now - opts.proofRetentionDays * DAY_MS, Date.now() - 2 * DAY_MS);
      const prunedAudit = store.audit.deleteBefore(auditCutoff);
      return {
        rolled,
        quarantined: takeQuarantined(),
        deleted,
        prunedRuns: store.jobs.prune(now - 30 * DAY_MS),
        prunedSessions,
        prunedAudit,
      };
    },
    after: warnQuarantined,
  };
  const defs = [campaigns, horizon, devices, rollup, openDay, retention] as JobDef[];
  if (opts.backupDir) defs.push(nightlyBackupJob(store, opts.backupDir, opts.backupKeepDays ?? 14));
  return defs;
}

/** 02:00 local, after the rollup (01:15) and retention (01:45), so the copy holds the pruned data. */
export function nightlyBackupJob(store: Store, dir: string, keepDays: number): JobDef<NightlyResult> {
  return {
    name: 'nightly-backup',
    period: { every: 'day', hour: 2, minute: 0 },
    run: (now) => nightlyBackup(store.db, dir, now, keepDays),
  };
}

export function startJobs(
  store: Store,
  hub: () => Hub,
  log: Logger,
  opts: JobOptions,
  writable: () => boolean = () => true,
  metrics: JobMetrics | null = null,
): JobRunner {
  const runner = new JobRunner(store.jobs, schedulingJobs(store, hub, log, opts), log, Date.now, metrics);
  runner.writable = writable;
  runner.start();
  return runner;
}
