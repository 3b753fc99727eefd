import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatDateTime,
  formatLocalDate,
  isoToLocalInput,
  localDayOf,
  localDayStart,
  localInputToIso,
  translate,
} from './format';
import { en, vi } from './messages';

describe('translate', () => {
  it('fills parameters and formats numbers for the locale', () => {
    expect(translate('vi', 'reports.totals', { plays: 12345, minutes: 2.5 })).toBe('12.345 lượt phát, tổng 2,5 phút');
    expect(translate('en', 'reports.totals', { plays: 12345, minutes: 2.5 })).toBe('12,345 plays, 2.5 minutes in all');
  });

  it('has every Vietnamese key in English, NFC-normalised', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const [k, v] of Object.entries(vi)) expect(v.normalize('NFC'), k).toBe(v);
  });
});

describe('Vietnam time', () => {
  it('reads datetime-local input as UTC+7 and back', () => {
    expect(localInputToIso('2026-01-05T07:00')).toBe('2026-01-05T00:00:00.000Z');
    expect(localInputToIso('2026-01-01T03:30')).toBe('2025-12-31T20:30:00.000Z');
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('hôm nay')).toBeNull();
    expect(isoToLocalInput('2025-12-31T20:30:00.000Z')).toBe('2026-01-01T03:30');
    expect(isoToLocalInput(null)).toBe('');
  });

  it('puts an instant on the Vietnam calendar day, whatever the browser zone', () => {
    expect(localDayOf(Date.parse('2026-03-01T16:59:59Z'))).toBe('2026-03-01');
    expect(localDayOf(Date.parse('2026-03-01T17:00:00Z'))).toBe('2026-03-02');
    expect(new Date(localDayStart('2026-03-02')).toISOString()).toBe('2026-03-01T17:00:00.000Z');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('formats dates in vi-VN for Asia/Ho_Chi_Minh', () => {
    const s = formatDateTime('vi', '2026-01-05T00:00:00Z');
    expect(s).toContain('07:00:00');
    expect(s).toContain('05/01/2026');
    expect(formatLocalDate('vi', '2026-01-05')).toBe('05/01/2026');
    expect(formatDateTime('vi', null)).toBe('');
  });
});
