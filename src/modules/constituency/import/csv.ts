import { parse } from 'csv-parse/sync';
import { AppError } from '../../../platform/errors.ts';
import type { AssetType } from '../../../platform/db/schema.ts';
import type { ParsedFile, RowError } from './import.types.ts';
import { parseBool, validateRow, type RawRow } from './row-validate.ts';

export const CSV_COLUMNS = [
  'name',
  'sector',
  'country',
  'is_cii',
  'cii_category',
  'networks',
  'asns',
  'domains',
  'email_domains',
  'contact_name',
  'contact_role',
  'contact_email',
  'contact_phone',
  'contact_24x7',
  'contact_pgp_key',
] as const;
const REQUIRED = ['name'];
const LIST_COLUMNS: [string, AssetType][] = [
  ['networks', 'cidr'],
  ['asns', 'asn'],
  ['domains', 'domain'],
  ['email_domains', 'email_domain'],
];

function readHeader(header: string[]): Map<string, number> {
  const names = header.map((h) => h.trim().toLowerCase());
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  const missing = REQUIRED.filter((r) => !names.includes(r));
  const duplicate = names.filter((n, i) => names.indexOf(n) !== i);
  if (unknown.length || missing.length || duplicate.length) {
    const parts = [
      unknown.length ? `unknown columns: ${unknown.join(', ')}` : '',
      missing.length ? `missing columns: ${missing.join(', ')}` : '',
      duplicate.length ? `repeated columns: ${duplicate.join(', ')}` : '',
    ].filter(Boolean);
    throw new AppError('import.wrong_columns', `The CSV header is wrong (${parts.join('; ')})`, 400, {
      line: 1,
      unknown,
      missing,
      duplicate,
      allowed: CSV_COLUMNS,
    });
  }
  return new Map(names.map((n, i) => [n, i]));
}

// The export prefixes cells that start with = + - @ with ' so spreadsheets do not run them as
// formulas; reading such a cell back drops the prefix again.
function unneutralize(cell: string): string {
  return /^'[=+\-@]/.test(cell) ? cell.slice(1) : cell;
}

function toRawRow(cells: string[], cols: Map<string, number>, line: number): RawRow {
  const get = (c: string) => {
    const i = cols.get(c);
    return i === undefined ? undefined : unneutralize((cells[i] ?? '').trim());
  };
  const assets: RawRow['assets'] = [];
  for (const [column, type] of LIST_COLUMNS) {
    for (const value of (get(column) ?? '').split(/[\s;,]+/).filter(Boolean)) assets.push({ type, value, field: column });
  }
  const contacts: RawRow['contacts'] = [];
  const contactCells = ['contact_name', 'contact_role', 'contact_email', 'contact_phone', 'contact_24x7', 'contact_pgp_key'].map(get);
  if (contactCells.some((v) => v)) {
    const [name, role, email, phone, is24x7, pgpKey] = contactCells;
    const duty = parseBool(is24x7);
    contacts.push({
      field: 'contact',
      raw: { name: name || email, role: role || 'security', email, phone: phone || null, is24x7: duty ?? (is24x7 ? is24x7 : false), pgpKey: pgpKey || null },
    });
  }
  return { line, name: get('name'), sector: get('sector'), country: get('country'), isCii: get('is_cii'), ciiCategory: get('cii_category'), assets, contacts };
}

/**
 * Parses the constituency CSV (header row required; see CSV_COLUMNS). Rows are validated one by one;
 * a malformed file (bad quoting, wrong header) is one file-level error instead.
 */
export function parseConstituencyCsv(text: string, sectors: ReadonlySet<string>): ParsedFile {
  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, raw: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new AppError('import.invalid_csv', `The CSV cannot be read: ${e.message ?? 'parse error'}`, 400, { line: e.lines ?? null });
  }
  const [header, ...body] = records;
  if (!header) throw new AppError('import.empty', 'The file has no header row', 400, { line: 1 });
  const cols = readHeader(header.record);
  const rows: ParsedFile['rows'] = [];
  const errors: RowError[] = [];
  for (const { record, raw, info } of body) {
    // csv-parse counts lines to the end of a record; a quoted cell may span lines, so step back.
    const line = info.lines - (raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
    if (record.length !== cols.size) {
      errors.push({ line, field: null, code: 'import.wrong_column_count', reason: `expected ${cols.size} columns, found ${record.length}` });
      continue;
    }
    const result = validateRow(toRawRow(record, cols, line), sectors);
    errors.push(...result.errors);
    if (result.row) rows.push(result.row);
  }
  return { rows, errors, rowCount: body.length };
}
