import { z } from 'zod';
import type { Proof } from './domain';
import { EndReasonSchema } from './schemas';

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
}

const END_REASONS = EndReasonSchema.options;
const MAX = 5000;
const idx = z.array(z.number().int().nonnegative()).max(MAX);
const instant = z.array(z.number().int().positive()).max(MAX);

export const ProofColumnsSchema = z
  .object({
    refs: z.array(z.uuid()).max(3 * MAX),
    outputs: z.array(z.string().min(1).max(64)).min(1).max(64),
    id: z.array(z.uuid()).min(1).max(MAX),
    content: idx,
    playlist: idx,
    schedule: idx,
    startedAt: instant,
    durationMs: z
      .array(
        z
          .number()
          .int()
          .nonnegative()
          .max(31 * 24 * 3600 * 1000),
      )
      .max(MAX),
    deviceStartedAt: instant,
    clockOffsetMs: z.array(z.number().int()).max(MAX),
    endReason: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(END_REASONS.length - 1),
      )
      .max(MAX),
    output: idx,
  })
  .superRefine((c, ctx) => {
    const n = c.id.length;
    for (const k of [
      'content',
      'playlist',
      'schedule',
      'startedAt',
      'durationMs',
      'deviceStartedAt',
      'clockOffsetMs',
      'endReason',
      'output',
    ] as const) {
      if (c[k].length !== n) ctx.addIssue({ code: 'custom', path: [k], message: `must have ${n} entries like id` });
    }
    for (const k of ['content', 'playlist', 'schedule'] as const) {
      const bad = c[k].findIndex((i) => i >= c.refs.length);
      if (bad >= 0) ctx.addIssue({ code: 'custom', path: [k, bad], message: 'points outside refs' });
    }
    const badOut = c.output.findIndex((i) => i >= c.outputs.length);
    if (badOut >= 0) ctx.addIssue({ code: 'custom', path: ['output', badOut], message: 'points outside outputs' });
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
  }
  return out;
}
