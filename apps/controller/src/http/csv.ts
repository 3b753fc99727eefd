import { Readable } from 'node:stream';
import { csvCell, isoOrNull, toIso } from '@bangtin/shared';
import type { StoredProof } from '../store/proofs';

const HEADER = [
  'id',
  'deviceId',
  'contentId',
  'playlistId',
  'scheduleId',
  'startedAt',
  'endedAt',
  'durationMs',
  'deviceStartedAt',
  'clockOffsetMs',
  'endReason',
  'output',
];

/** RFC 4180 field, spreadsheet-safe (see `csvCell` in @bangtin/shared: the one function every export uses). */
export function csvField(v: string | number): string {
  return csvCell(v);
}

/** Streams proofs as CSV (UTF-8 with BOM so Excel shows Vietnamese correctly). */
export function proofsToCsv(rows: Iterable<StoredProof>): Readable {
  function* lines(): Generator<string> {
    yield `\uFEFF${HEADER.join(',')}\r\n`;
    for (const p of rows) {
      yield (
        [
          p.id,
          p.deviceId,
          p.contentId,
          p.playlistId,
          p.scheduleId,
          toIso(p.startedAt),
          toIso(p.endedAt),
          p.endedAt - p.startedAt,
          // The device's own clock is not held to 2020 … 2100 (a board without a clock starts in 1970).
          isoOrNull(p.deviceStartedAt) ?? '',
          p.clockOffsetMs,
          p.endReason,
          p.output,
        ]
          .map(csvField)
          .join(',') + '\r\n'
      );
    }
  }
  return Readable.from(lines());
}
