/**
 * Cells for spreadsheets (CSV, xlsx) that cannot turn into formulas (OWASP "CSV injection"): a value that
 * starts with = + - @, a tab or a carriage return is prefixed with a single quote, so Excel and LibreOffice
 * show it as text. One function for every export.
 */
export function spreadsheetSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * An RFC 4180 CSV field: text made spreadsheet-safe, then quoted when it holds a comma, a semicolon (the
 * list separator of Vietnamese-locale Excel), a quote or a line break. Numbers are written as they are.
 */
export function csvCell(value: string | number): string {
  const s = typeof value === 'string' ? spreadsheetSafe(value) : String(value);
  return /[",;\r\n\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
