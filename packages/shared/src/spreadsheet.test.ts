import { describe, expect, it } from 'vitest';
import { csvCell, spreadsheetSafe } from './spreadsheet';

describe('spreadsheet-safe cells', () => {
  it('defuses every formula trigger OWASP lists, including tab and carriage return', () => {
    for (const bad of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\t=1', '\r=1'])
      expect(spreadsheetSafe(bad)).toBe(`'${bad}`);
    expect(spreadsheetSafe('Đóng BHXH đúng hạn')).toBe('Đóng BHXH đúng hạn');
    expect(spreadsheetSafe('a=b')).toBe('a=b');
  });

  it('quotes separators, the Vietnamese-Excel semicolon included; numbers stay numbers', () => {
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('\t=1')).toBe(`"'\t=1"`);
    expect(csvCell(-5)).toBe('-5');
  });
});
