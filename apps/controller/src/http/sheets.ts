import { PassThrough, Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { csvCell, TIMEZONE, utcToLocal } from '@bangtin/shared';
import { lazyRequire } from '../lazy';

const excel = lazyRequire<typeof ExcelJS>('exceljs');

/**
 * Spreadsheet exports (xlsx and CSV) described once as columns, for every report: airtime, proofs,
 * availability, and whatever report comes next. xlsx is written by exceljs' streaming writer, one row
 * at a time from an iterator, so a million proofs never sit in memory; CSV goes through `csvCell`.
 */
export type CellKind =
  /** Plain text (made spreadsheet-safe). */
  | 'text'
  /** A whole number. */
  | 'integer'
  /** A number with one decimal (seconds, minutes, percentages). */
  | 'decimal'
  /** An instant (UTC ms), shown as the Vietnam wall-clock date and time. */
  | 'datetime'
  /** A local date `YYYY-MM-DD`. */
  | 'date';

export interface SheetColumn<R> {
  header: string;
  /** In characters, as Excel counts them. */
  width: number;
  kind: CellKind;
  value: (row: R) => string | number | null;
  /** The totals row sums this column. */
  sum?: boolean;
}

export interface SheetSpec<R> {
  name: string;
  columns: SheetColumn<R>[];
  rows: Iterable<R> | AsyncIterable<R>;
  /** Label of the totals row (first column); no totals row when absent. */
  totals?: string | ((count: number) => string);
}

/** Sheets of different row types go into one workbook; each sheet's columns match its own rows. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous rows, checked per SheetSpec<R> at the call site
export type AnySheet = SheetSpec<any>;

export const DATETIME_FORMAT = 'dd/mm/yyyy hh:mm:ss';
export const DATE_FORMAT = 'dd/mm/yyyy';
const NUM_FORMAT: Record<CellKind, string | undefined> = {
  text: undefined,
  integer: '#,##0',
  decimal: '#,##0.0',
  datetime: DATETIME_FORMAT,
  date: DATE_FORMAT,
};

/**
 * Excel dates have no time zone: a cell holds a wall-clock reading. We write the Vietnam reading, as a
 * Date whose UTC fields are the local ones (exceljs turns a Date into a serial from its UTC value).
 */
export function excelLocalDate(utcMs: number, timeZone = TIMEZONE): Date {
  return new Date(utcToLocal(timeZone, utcMs));
}

/** `YYYY-MM-DD` as an Excel date cell (midnight of that day). */
function excelDay(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** An instant as Vietnamese spreadsheets read it: `dd/mm/yyyy HH:MM:SS`, local time. */
export function formatLocalCell(utcMs: number, timeZone = TIMEZONE): string {
  const d = new Date(utcToLocal(timeZone, utcMs));
  return (
    `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

function xlsxValue(kind: CellKind, v: string | number | null): ExcelJS.CellValue {
  if (v === null) return null;
  if (kind === 'datetime') return excelLocalDate(Number(v));
  if (kind === 'date') return excelDay(String(v));
  if (kind === 'text') return String(v);
  return Number(v);
}

function csvValue(kind: CellKind, v: string | number | null): string {
  if (v === null) return '';
  if (kind === 'datetime') return formatLocalCell(Number(v));
  if (kind === 'date') return csvCell(String(v).split('-').reverse().join('/'));
  return csvCell(v);
}

/** Sums of one-decimal cells drift in binary (0.1 + 0.2); round them back to what the cells show. */
const roundSum = (kind: CellKind, sum: number) => (kind === 'integer' ? sum : Math.round(sum * 10) / 10);

const columnLetter = (i: number): string => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

/** Streams a workbook of one or more sheets: bold frozen header, widths, number formats, totals row. */
export function xlsxStream(sheets: readonly AnySheet[]): Readable {
  const out = new PassThrough();
  const wb = new (excel().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'bangtin';
  wb.created = new Date();
  void (async () => {
    for (const s of sheets as readonly SheetSpec<unknown>[]) {
      const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = s.columns.map((c, i) => ({
        key: `c${i}`,
        width: c.width,
        ...(NUM_FORMAT[c.kind] && { style: { numFmt: NUM_FORMAT[c.kind]! } }),
      }));
      const header = ws.addRow(s.columns.map((c) => c.header));
      header.font = { bold: true };
      header.commit();
      const sums = s.columns.map(() => 0);
      let count = 0;
      for await (const r of s.rows) {
        const row = ws.addRow(
          s.columns.map((c, i) => {
            const v = c.value(r);
            if (c.sum && typeof v === 'number') sums[i]! += v;
            return xlsxValue(c.kind, v);
          }),
        );
        row.commit();
        count++;
        // Let the response drain: the writer does not wait for it on its own.
        if (out.writableNeedDrain) await new Promise((r) => out.once('drain', r));
        else if (count % 1000 === 0) await new Promise((r) => setImmediate(r));
      }
      if (s.totals !== undefined) {
        const label = typeof s.totals === 'function' ? s.totals(count) : s.totals;
        const row = ws.addRow(
          s.columns.map((c, i) => {
            if (i === 0) return label;
            if (!c.sum) return null;
            // A live formula with its value cached: right in Excel, and readable by tools that don't compute.
            const col = columnLetter(i);
            const result = roundSum(c.kind, sums[i]!);
            return count > 0 ? { formula: `SUM(${col}2:${col}${count + 1})`, result } : 0;
          }),
        );
        row.font = { bold: true };
        row.commit();
      }
      ws.commit();
    }
    await wb.commit();
  })().catch((err: unknown) => out.destroy(err as Error));
  return out;
}

/** Streams one sheet as CSV: UTF-8 with BOM (so Excel reads Vietnamese), CRLF, spreadsheet-safe cells. */
export function csvStream<R>(s: SheetSpec<R>, header: string[] = s.columns.map((c) => c.header)): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${header.map((h) => csvCell(h)).join(',')}\r\n`;
    const sums = s.columns.map(() => 0);
    let count = 0;
    for await (const r of s.rows) {
      count++;
      yield (
        s.columns
          .map((c, i) => {
            const v = c.value(r);
            if (c.sum && typeof v === 'number') sums[i]! += v;
            return csvValue(c.kind, v);
          })
          .join(',') + '\r\n'
      );
    }
    if (s.totals === undefined) return;
    const label = typeof s.totals === 'function' ? s.totals(count) : s.totals;
    yield (
      s.columns.map((c, i) => (i === 0 ? csvCell(label) : c.sum ? csvCell(roundSum(c.kind, sums[i]!)) : '')).join(',') +
      '\r\n'
    );
  }
  return Readable.from(lines());
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Answers with a download: `name` without extension, ASCII (the browser keeps it as the file name). */
export function sendXlsx(reply: FastifyReply, name: string, sheets: readonly AnySheet[]): FastifyReply {
  return reply
    .header('content-type', XLSX_TYPE)
    .header('content-disposition', `attachment; filename="${name}.xlsx"`)
    .send(xlsxStream(sheets));
}

export function sendCsv<R>(reply: FastifyReply, name: string, sheet: SheetSpec<R>): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(csvStream(sheet));
}
