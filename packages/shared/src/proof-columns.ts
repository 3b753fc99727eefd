import { z } from 'zod';
import type { Proof } from './domain';
import { EndReasonSchema } from './schemas';
import { DATE_MAX_MS, DEVICE_TIME_AHEAD_MS, DEVICE_TIME_MIN_MS, MAX_PLAY_MS } from './time';

/**
 * Compact, column-wise form of a proof batch for `proofs:upload`. A week of proofs from a player that
 * was offline repeats the same few content, playlist and schedule ids thousands of times; sending
 * them once per batch (`refs`) and numbers in columns cuts the JSON to about a third, and lets the
 * controller validate whole columns instead of thousands of objects.
 */
export interface ProofColumns {
  refs: string[];
  outputs: string[];
  id: string[];
  content: number[];
  playlist: number[];
  schedule: number[];
  startedAt: number[];
  durationMs: number[];
  deviceStartedAt: number[];
  clockOffsetMs: number[];
  endReason: number[];
  output: number[];
  /**
   * Chain fields (issue 11), only when some proof in the batch is chained: `0` and `''` mark an
   * unchained proof (written before the player was upgraded).
   */
  seq?: number[];
  prevHash?: string[];
}

const END_REASONS = EndReasonSchema.options;
const MAX = 5000;
const SHA256 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a rule sees besides the value: the batch's lookup lists and the latest acceptable instant. */
interface RuleContext {
  refs: unknown[];
  outputs: unknown[];
  latest: number;
}
type NumberRule = (n: number, c: RuleContext) => string | null;
const isInt = (n: number) => Number.isSafeInteger(n);
const index =
  (of: 'refs' | 'outputs'): NumberRule =>
  (n, c) =>
    !isInt(n) || n < 0 ? 'must be a non-negative integer' : n >= c[of].length ? `points outside ${of}` : null;
const positive: NumberRule = (n) =>
  isInt(n) && n > 0 && n <= DATE_MAX_MS ? null : 'must be a positive integer a date can hold (ms UTC)';
// Same window as DeviceInstantSchema: 2020-01-01 … now + 1 day.
const deviceInstant: NumberRule = (n, c) =>
  isInt(n) && n >= DEVICE_TIME_MIN_MS && n <= c.latest
    ? null
    : 'must be an instant between 2020-01-01 and tomorrow (ms UTC)';

/**
 * Each column is checked in one tight loop (an element-by-element zod schema costs about twice as
 * much, and ingest is CPU-bound); issues still name the column and the row, e.g. `startedAt.17`.
 */
const NUMBER_COLUMNS: readonly [keyof ProofColumns, NumberRule][] = [
  ['content', index('refs')],
  ['playlist', index('refs')],
  ['schedule', index('refs')],
  ['startedAt', deviceInstant],
  ['durationMs', (n) => (isInt(n) && n >= 0 && n <= MAX_PLAY_MS ? null : 'must be 0 to 24 h in ms')],
  ['deviceStartedAt', positive],
  ['clockOffsetMs', (n) => (isInt(n) && Math.abs(n) <= DATE_MAX_MS ? null : 'must be an integer')],
  ['endReason', (n) => (isInt(n) && n >= 0 && n < END_REASONS.length ? null : 'unknown end reason')],
  ['output', index('outputs')],
];

/**
 * A column: only its shape here (an array, at most `max` long). Every element is checked in the
 * superRefine below by its column's own test, each of which refuses a wrong type first (a string in a
 * number column, a number among ids), so z.number() or z.string() per element would check the same
 * thing twice and copy the array: ~7 % of ingest CPU for the numbers, 80 bytes of garbage a proof for
 * the id column (heap sampling).
 */
const column = <T>(max: number) =>
  z
    .custom<T[]>((v) => Array.isArray(v), 'expected an array')
    .refine((a) => a.length <= max, { message: `must have at most ${max} entries` });
const numbers = column<number>(MAX);

export const ProofColumnsSchema = z
  .object({
    refs: column<string>(3 * MAX),
    outputs: z
      .array(
        z
          .string()
          .min(1)
          .max(64)
          .regex(/^[^|]+$/, 'must not contain "|"'),
      )
      .min(1)
      .max(64),
    id: column<string>(MAX).refine((a) => a.length > 0, { message: 'must not be empty' }),
    content: numbers,
    playlist: numbers,
    schedule: numbers,
    startedAt: numbers,
    durationMs: numbers,
    deviceStartedAt: numbers,
    clockOffsetMs: numbers,
    endReason: numbers,
    output: numbers,
    seq: numbers.optional(),
    prevHash: column<string>(MAX).optional(),
  })
  .superRefine((c, ctx) => {
    for (const k of ['id', 'refs'] as const) {
      const bad = c[k].findIndex((s) => typeof s !== 'string' || !UUID.test(s));
      if (bad >= 0) return ctx.addIssue({ code: 'custom', path: [k, bad], message: 'must be a UUID' });
    }
    const n = c.id.length;
    const rc: RuleContext = { refs: c.refs, outputs: c.outputs, latest: Date.now() + DEVICE_TIME_AHEAD_MS };
    for (const [k, rule] of NUMBER_COLUMNS) {
      const col = c[k] as number[];
      if (col.length !== n)
        return ctx.addIssue({ code: 'custom', path: [k], message: `must have ${n} entries like id` });
      for (let i = 0; i < n; i++) {
        const problem = rule(col[i]!, rc);
        if (problem) return ctx.addIssue({ code: 'custom', path: [k, i], message: problem });
      }
    }
    // The object form bounds endedAt too: a start just inside tomorrow plus a 24 h play would end two
    // days ahead. endedAt is startedAt + durationMs here, so the issue names durationMs (the column).
    for (let i = 0; i < n; i++) {
      if (c.startedAt[i]! + c.durationMs[i]! > rc.latest)
        return ctx.addIssue({
          code: 'custom',
          path: ['durationMs', i],
          message: 'endedAt (startedAt + durationMs) must be at most tomorrow (ms UTC)',
        });
    }
    if ((c.seq === undefined) !== (c.prevHash === undefined))
      return ctx.addIssue({
        code: 'custom',
        path: [c.seq ? 'prevHash' : 'seq'],
        message: 'seq and prevHash come together',
      });
    if (c.seq && c.prevHash) {
      for (const k of ['seq', 'prevHash'] as const) {
        if (c[k]!.length !== n)
          return ctx.addIssue({ code: 'custom', path: [k], message: `must have ${n} entries like id` });
      }
      for (let i = 0; i < n; i++) {
        const seq = c.seq[i]!;
        const prev = c.prevHash[i]!;
        if (!Number.isSafeInteger(seq) || seq < 0)
          return ctx.addIssue({ code: 'custom', path: ['seq', i], message: 'must be a non-negative integer' });
        if (seq === 0 ? prev !== '' : typeof prev !== 'string' || !SHA256.test(prev))
          return ctx.addIssue({
            code: 'custom',
            path: ['prevHash', i],
            message: seq === 0 ? 'must be empty for an unchained proof' : 'must be a lower-case hex sha256',
          });
      }
    }
  });

export function encodeProofColumns(proofs: readonly Proof[]): ProofColumns {
  const refIndex = new Map<string, number>();
  const outIndex = new Map<string, number>();
  const ref = (id: string) => {
    let i = refIndex.get(id);
    if (i === undefined) refIndex.set(id, (i = refIndex.size));
    return i;
  };
  const out = (o: string) => {
    let i = outIndex.get(o);
    if (i === undefined) outIndex.set(o, (i = outIndex.size));
    return i;
  };
  const c: ProofColumns = {
    refs: [],
    outputs: [],
    id: [],
    content: [],
    playlist: [],
    schedule: [],
    startedAt: [],
    durationMs: [],
    deviceStartedAt: [],
    clockOffsetMs: [],
    endReason: [],
    output: [],
  };
  for (const p of proofs) {
    c.id.push(p.id);
    c.content.push(ref(p.contentId));
    c.playlist.push(ref(p.playlistId));
    c.schedule.push(ref(p.scheduleId));
    c.startedAt.push(p.startedAt);
    c.durationMs.push(p.endedAt - p.startedAt);
    c.deviceStartedAt.push(p.deviceStartedAt);
    c.clockOffsetMs.push(p.clockOffsetMs);
    c.endReason.push(END_REASONS.indexOf(p.endReason));
    c.output.push(out(p.output));
  }
  if (proofs.some((p) => p.seq !== undefined)) {
    c.seq = proofs.map((p) => p.seq ?? 0);
    c.prevHash = proofs.map((p) => p.prevHash ?? '');
  }
  c.refs = [...refIndex.keys()];
  c.outputs = [...outIndex.keys()];
  return c;
}

/** Inverse of encodeProofColumns; the input must have passed ProofColumnsSchema. */
export function decodeProofColumns(c: ProofColumns): Proof[] {
  const out: Proof[] = new Array(c.id.length);
  for (let i = 0; i < c.id.length; i++) {
    const startedAt = c.startedAt[i]!;
    out[i] = {
      id: c.id[i]!,
      contentId: c.refs[c.content[i]!]!,
      playlistId: c.refs[c.playlist[i]!]!,
      scheduleId: c.refs[c.schedule[i]!]!,
      startedAt,
      endedAt: startedAt + c.durationMs[i]!,
      deviceStartedAt: c.deviceStartedAt[i]!,
      clockOffsetMs: c.clockOffsetMs[i]!,
      endReason: END_REASONS[c.endReason[i]!]!,
      output: c.outputs[c.output[i]!]!,
    };
    const seq = c.seq?.[i];
    if (seq) {
      out[i]!.seq = seq;
      out[i]!.prevHash = c.prevHash![i]!;
    }
  }
  return out;
}
