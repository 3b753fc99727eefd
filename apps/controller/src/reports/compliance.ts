import { type Bundle, resolveTimeline } from '@bangtin/shared';
import type { Store } from '../store';
import { NameBook } from './names';

/** Half-open [start, end) stretches, sorted and disjoint. */
export type Spans = [number, number][];

export function normalise(spans: Spans): Spans {
  const s = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Spans = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function intersect(a: Spans, b: Spans): Spans {
  const out: Spans = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0]);
    const hi = Math.min(a[i]![1], b[j]![1]);
    if (hi > lo) out.push([lo, hi]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

export function subtract(a: Spans, b: Spans): Spans {
  const out: Spans = [];
  let j = 0;
  for (const [s, e] of a) {
    let cur = s;
    while (j < b.length && b[j]![1] <= cur) j++;
    let k = j;
    while (k < b.length && b[k]![0] < e) {
      if (b[k]![0] > cur) out.push([cur, b[k]![0]]);
      cur = Math.max(cur, b[k]![1]);
      k++;
    }
    if (cur < e) out.push([cur, e]);
  }
  return out;
}

export const total = (s: Spans): number => s.reduce((n, [a, b]) => n + (b - a), 0);

export interface ShortfallCauses {
  /** Player not running: no connection session and no proof of anything at that time. */
  offline: number;
  /** A board of the device reported `error` or `offline`. */
  boardError: number;
  /** The device played an urgent message or another schedule instead. */
  preempted: number;
  unexplained: number;
}

/**
 * Splits the campaign's missing airtime of one device by cause, first match wins:
 * pre-empted (something else played: an urgent message in the bundle, or a proof of another schedule),
 * offline (outside every connection session and no proof at all — a player that kept playing while
 * disconnected is running, so its misses are not blamed on the network), board in error, unexplained.
 * Pure; all inputs are normalised spans.
 */
export function splitShortfall(
  missing: Spans,
  evidence: { interrupts: Spans; otherPlays: Spans; anyPlays: Spans; connected: Spans; boardError: Spans },
): ShortfallCauses {
  const preempted = intersect(missing, normalise([...evidence.interrupts, ...evidence.otherPlays]));
  let rest = subtract(missing, preempted);
  const offline = subtract(subtract(rest, evidence.connected), evidence.anyPlays);
  rest = subtract(rest, offline);
  const boardError = intersect(rest, evidence.boardError);
  rest = subtract(rest, boardError);
  return {
    preempted: total(preempted),
    offline: total(offline),
    boardError: total(boardError),
    unexplained: total(rest),
  };
}

export interface ComplianceDevice {
  deviceId: string;
  deviceName: string;
  /** The district the device lies in (its own group or the nearest district above it); null outside any. */
  groupId: string | null;
  groupName: string | null;
  plannedMs: number;
  deliveredMs: number;
  causes: ShortfallCauses;
}

/** Below this the shortfall is timer noise (renderer swaps, item boundaries) and not split by cause. */
const NOISE_MS = 2000;

interface Timelines {
  /** The campaign's segments with the bundle's urgent messages left out: what the plan said. */
  planned: Spans;
  /** Urgent messages of the bundle. */
  interrupts: Spans;
}

/**
 * Planned vs delivered airtime of one campaign per device over [from, to). Planned: the campaign's
 * segments in `resolveTimeline` of each bundle the device held (from its ack), only while the device
 * was enrolled and not revoked, and not after `now`. Delivered: the campaign's proofs, per output;
 * a device with several outputs counts its best one.
 */
export function deviceCompliance(
  store: Store,
  q: { campaignId: string; from: number; to: number; deviceIds: readonly string[] | null; now?: number },
): ComplianceDevice[] {
  const now = q.now ?? Date.now();
  const to = Math.min(q.to, now);
  const from = q.from;
  const db = store.db;
  const want = q.deviceIds ? new Set(q.deviceIds) : null;
  const devices = store.devices.list().filter((d) => !want || want.has(d.id));
  // Judged per district: a device in an office below its district counts for the district.
  const names = new NameBook(db);
  const scheduleIds = new Set(
    (db.prepare('SELECT id FROM schedules WHERE campaign_id = ?').all(q.campaignId) as { id: string }[]).map(
      (r) => r.id,
    ),
  );
  const timelines = new Map<string, Timelines | null>();
  const timelineOf = (hash: string): Timelines | null => {
    if (timelines.has(hash)) return timelines.get(hash)!;
    let t: Timelines | null = null;
    const bundle = store.evidence.bundle(hash);
    if (bundle && bundle.schedules.some((s) => scheduleIds.has(s.id)) && to > from) {
      const withoutUrgent: Bundle = { ...bundle, interrupts: [] };
      const planned = resolveTimeline(withoutUrgent, from, to)
        .filter((s) => s.campaignId === q.campaignId && s.reason !== 'interrupt')
        .map((s): [number, number] => [s.start, s.end]);
      const interrupts = resolveTimeline(bundle, from, to)
        .filter((s) => s.reason === 'interrupt')
        .map((s): [number, number] => [s.start, s.end]);
      t = { planned: normalise(planned), interrupts: normalise(interrupts) };
    }
    timelines.set(hash, t);
    return t;
  };

  const held = new Map<string, { from: number; to: number; hash: string }[]>();
  for (const h of store.evidence.heldBetween(want ? [...want] : null, from, to)) {
    let list = held.get(h.deviceId);
    if (!list) held.set(h.deviceId, (list = []));
    list.push({ from: h.from, to: h.to ?? Number.MAX_SAFE_INTEGER, hash: h.hash });
  }

  // Delivered: one grouped sum over the campaign's proofs in range (index on started_at).
  const delivered = new Map<string, number>();
  if (scheduleIds.size > 0 && to > from) {
    const ids = [...scheduleIds];
    const rows = db
      .prepare(
        `SELECT device_id, output, SUM(MIN(ended_at, ?) - MAX(started_at, ?)) AS ms FROM proofs
         WHERE started_at < ? AND started_at >= ? AND ended_at > ? AND schedule_id IN (${ids.map(() => '?').join(',')})
         GROUP BY device_id, output`,
      )
      .all(to, from, to, from - MAX_PLAY_LOOKBACK_MS, from, ...ids) as { device_id: string; ms: number }[];
    for (const r of rows) delivered.set(r.device_id, Math.max(delivered.get(r.device_id) ?? 0, r.ms));
  }

  const out: ComplianceDevice[] = [];
  const short: { row: ComplianceDevice; planned: Spans; interrupts: Spans; window: [number, number] }[] = [];
  for (const d of devices) {
    const winFrom = Math.max(from, d.createdAt);
    const winTo = Math.min(to, d.revokedAt ?? Number.MAX_SAFE_INTEGER);
    const planned: Spans = [];
    const interrupts: Spans = [];
    if (winTo > winFrom) {
      for (const h of held.get(d.id) ?? []) {
        const t = timelineOf(h.hash);
        if (!t) continue;
        const clip: Spans = [[Math.max(h.from, winFrom), Math.min(h.to, winTo)]];
        if (clip[0]![1] <= clip[0]![0]) continue;
        planned.push(...intersect(t.planned, clip));
        interrupts.push(...intersect(t.interrupts, clip));
      }
    }
    const plannedMs = total(planned);
    const deliveredMs = delivered.get(d.id) ?? 0;
    if (plannedMs === 0 && deliveredMs === 0) continue;
    const district = names.districtOfDevice(d.id);
    const row: ComplianceDevice = {
      deviceId: d.id,
      deviceName: d.name,
      groupId: district?.id ?? null,
      groupName: district?.name ?? null,
      plannedMs,
      deliveredMs,
      causes: { offline: 0, boardError: 0, preempted: 0, unexplained: 0 },
    };
    out.push(row);
    // Explained when the miss is more than noise, or when it is what turns the device short of green
    // (a campaign that started a moment ago): a red row always says why.
    const shortMs = plannedMs - deliveredMs;
    if (shortMs > NOISE_MS || (shortMs > 0 && deliveredMs < plannedMs * 0.95)) {
      short.push({ row, planned, interrupts, window: [winFrom, winTo] });
    }
  }
  if (short.length > 0) explainShortfalls(store, q.campaignId, scheduleIds, short, now);
  return out;
}

/** A proof that started this long before `from` may still reach into the range (longest play). */
const MAX_PLAY_LOOKBACK_MS = 24 * 3600_000;

/** A proof as the shortfall split reads it: 1 if it is the campaign's (else 0), output, start, end. */
type PlayRow = [number, string, number, number];

/**
 * The proofs of one device that fell short, through the (device_id, started_at) index, as arrays
 * (`raw`) with "is it the campaign's" decided in SQL: no row object and no schedule id string per proof.
 * One grouped scan of the whole range instead (rows per device as a JSON array) measured slower at
 * 10,000 devices: SQLite sorts every proof of the range, wanted or not.
 */
function deviceProofs(
  store: Store,
  scheduleIds: ReadonlySet<string>,
): (deviceId: string, window: [number, number]) => PlayRow[] {
  const ids = [...scheduleIds];
  const isCampaign = ids.length > 0 ? `(schedule_id IN (${ids.map(() => '?').join(',')}))` : '0';
  const stmt = store.db
    .prepare(
      `SELECT ${isCampaign}, output, started_at, ended_at FROM proofs
       WHERE device_id = ? AND started_at < ? AND started_at >= ? AND ended_at > ?`,
    )
    .raw();
  return (deviceId, [winFrom, winTo]) =>
    stmt.all(...ids, deviceId, winTo, winFrom - MAX_PLAY_LOOKBACK_MS, winFrom) as PlayRow[];
}

/** Only devices that fell short are read proof by proof: the sums above answer for the others. */
function explainShortfalls(
  store: Store,
  _campaignId: string,
  scheduleIds: ReadonlySet<string>,
  short: { row: ComplianceDevice; planned: Spans; interrupts: Spans; window: [number, number] }[],
  now: number,
): void {
  const from = Math.min(...short.map((s) => s.window[0]));
  const to = Math.max(...short.map((s) => s.window[1]));
  const ids = short.map((s) => s.row.deviceId);
  const sessions = store.connectivity.sessions({ deviceIds: ids, from, to });
  const states = store.evidence.outputStatesBetween(new Set(ids), from, to);
  const errorSpans = new Map<string, Spans>();
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    if (s.state === 'online') continue;
    const next = states[i + 1];
    const end = next && next.deviceId === s.deviceId && next.outputId === s.outputId ? next.at : now;
    let list = errorSpans.get(s.deviceId);
    if (!list) errorSpans.set(s.deviceId, (list = []));
    list.push([s.at, end]);
  }
  const proofsOf = deviceProofs(store, scheduleIds);
  for (const s of short) {
    const rows = proofsOf(s.row.deviceId, s.window);
    // The output that delivered most is the one judged (same rule as the delivered sum).
    const byOutput = new Map<string, Spans>();
    const other: Spans = [];
    const any: Spans = [];
    for (const [campaignPlay, output, startedAt, endedAt] of rows) {
      const span: [number, number] = [startedAt, endedAt];
      any.push(span);
      if (campaignPlay) {
        let l = byOutput.get(output);
        if (!l) byOutput.set(output, (l = []));
        l.push([...span]);
      } else other.push(span);
    }
    let campaign: Spans = [];
    for (const l of byOutput.values()) {
      const n = normalise(l);
      if (total(n) > total(campaign)) campaign = n;
    }
    const planned = normalise(s.planned);
    const missing = subtract(planned, campaign);
    s.row.causes = splitShortfall(missing, {
      interrupts: normalise(s.interrupts),
      otherPlays: normalise(other),
      anyPlays: normalise(any),
      connected: normalise((sessions.get(s.row.deviceId) ?? []).map((x) => [x.start, x.end ?? now])),
      boardError: normalise(errorSpans.get(s.row.deviceId) ?? []),
    });
  }
}

export interface ComplianceGroupRow {
  groupId: string | null;
  groupName: string | null;
  devices: number;
  plannedSeconds: number;
  deliveredSeconds: number;
  /** delivered / planned in %, one decimal; null when nothing was planned. */
  percent: number | null;
  shortfallSeconds: number;
  causes: { offline: number; boardError: number; preempted: number; unexplained: number };
  /** ≥ 95 % green, ≥ 80 % amber, else red. */
  level: 'green' | 'amber' | 'red' | null;
}

export interface ComplianceDeviceRow extends ComplianceGroupRow {
  deviceId: string;
  deviceName: string;
}

const sec = (ms: number) => Math.round(ms / 1000);

export function levelOf(percent: number | null): ComplianceGroupRow['level'] {
  if (percent === null) return null;
  return percent >= 95 ? 'green' : percent >= 80 ? 'amber' : 'red';
}

function summarise(rows: readonly ComplianceDevice[]): Omit<ComplianceGroupRow, 'groupId' | 'groupName'> {
  let planned = 0;
  let delivered = 0;
  const causes = { offline: 0, boardError: 0, preempted: 0, unexplained: 0 };
  for (const r of rows) {
    planned += r.plannedMs;
    // Extra plays on one device do not make up for another's shortfall.
    delivered += Math.min(r.deliveredMs, r.plannedMs);
    for (const k of Object.keys(causes) as (keyof typeof causes)[]) causes[k] += r.causes[k];
  }
  const percent = planned > 0 ? Math.round((delivered / planned) * 1000) / 10 : null;
  return {
    devices: rows.length,
    plannedSeconds: sec(planned),
    deliveredSeconds: sec(delivered),
    percent,
    shortfallSeconds: sec(planned - delivered),
    causes: {
      offline: sec(causes.offline),
      boardError: sec(causes.boardError),
      preempted: sec(causes.preempted),
      unexplained: sec(causes.unexplained),
    },
    level: levelOf(percent),
  };
}

export function byDevice(rows: readonly ComplianceDevice[]): ComplianceDeviceRow[] {
  return rows
    .map((r) => ({
      deviceId: r.deviceId,
      deviceName: r.deviceName,
      groupId: r.groupId,
      groupName: r.groupName,
      ...summarise([r]),
    }))
    .sort((a, b) => (a.percent ?? 101) - (b.percent ?? 101) || a.deviceName.localeCompare(b.deviceName, 'vi'));
}

export function byDistrict(rows: readonly ComplianceDevice[]): ComplianceGroupRow[] {
  const groups = new Map<string | null, ComplianceDevice[]>();
  for (const r of rows) {
    let l = groups.get(r.groupId);
    if (!l) groups.set(r.groupId, (l = []));
    l.push(r);
  }
  return [...groups.entries()]
    .map(([groupId, list]) => ({ groupId, groupName: list[0]!.groupName, ...summarise(list) }))
    .sort((a, b) => (a.groupName ?? '').localeCompare(b.groupName ?? '', 'vi'));
}
