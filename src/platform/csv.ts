/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break. A text that starts
 * with = + - @ tab or CR is prefixed with `'` so a spreadsheet never runs it as a formula
 * (plain numbers such as -5 stay as they are). Dates are written as ISO 8601.
 */
export function csvCell(v: unknown): string {
  const s = v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record with its CRLF line end. */
export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
