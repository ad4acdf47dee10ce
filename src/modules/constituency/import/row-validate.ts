import type { AssetType } from '../../../platform/db/schema.ts';
import { normalizeAsset } from '../assets.ts';
import { ContactInput, type ContactInputT } from '../constituency.schemas.ts';
import { pgpFingerprint } from '../pgp.ts';
import type { ImportRow, RowError } from './import.types.ts';

/** A row as a parser found it: untrusted values, and the file line of each field where known. */
export type RawRow = {
  line: number;
  lineOf?: (field: string) => number;
  name?: unknown;
  sector?: unknown;
  country?: unknown;
  isCii?: unknown;
  ciiCategory?: unknown;
  assets: { type: AssetType; value: unknown; field: string }[];
  contacts: { raw: Record<string, unknown>; field: string }[];
};

const BOOL_TEXT: Record<string, boolean> = { true: true, yes: true, y: true, '1': true, x: true, false: false, no: false, n: false, '0': false };

export function parseBool(v: unknown): boolean | undefined | null {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return BOOL_TEXT[v.trim().toLowerCase()] ?? null;
  return null;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Validates one row against the configured sectors; returns the clean row or its errors. */
export function validateRow(raw: RawRow, sectors: ReadonlySet<string>): { row?: ImportRow; errors: RowError[] } {
  const errors: RowError[] = [];
  const err = (field: string, code: string, reason: string) => errors.push({ line: raw.lineOf?.(field) ?? raw.line, field, code, reason });

  const name = text(raw.name);
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) err('name', 'organization.invalid_name', 'name is required (1-200 characters)');

  let sector: string | undefined;
  const s = text(raw.sector);
  if (present(s)) {
    if (typeof s !== 'string' || !sectors.has(s.toLowerCase())) err('sector', 'organization.unknown_sector', `unknown sector "${String(s)}"; allowed: ${[...sectors].join(', ')}`);
    else sector = s.toLowerCase();
  }

  let country: string | undefined;
  const c = text(raw.country);
  if (present(c)) {
    if (typeof c !== 'string' || !/^[A-Za-z]{2}$/.test(c)) err('country', 'organization.invalid_country', `"${String(c)}" is not an ISO 3166-1 alpha-2 country code`);
    else country = c.toUpperCase();
  }

  const isCii = parseBool(raw.isCii);
  if (isCii === null) err('isCii', 'import.invalid_boolean', `"${String(raw.isCii)}" is not true/false/yes/no/1/0`);
  const cat = text(raw.ciiCategory);
  if (present(cat) && (typeof cat !== 'string' || cat.length > 100)) err('ciiCategory', 'organization.invalid_cii_category', 'CII category must be text of at most 100 characters');

  const assets: ImportRow['assets'] = [];
  for (const a of raw.assets) {
    const v = text(a.value);
    if (typeof v !== 'string' || v === '') {
      err(a.field, 'asset.invalid_value', 'asset value must be a non-empty string');
      continue;
    }
    const norm = normalizeAsset(a.type, v);
    if (norm.ok) assets.push({ type: a.type, value: norm.value });
    else err(a.field, norm.code, norm.message);
  }

  const contacts: ContactInputT[] = [];
  for (const c of raw.contacts) {
    const parsed = ContactInput.safeParse(c.raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) err(`${c.field}${issue.path.length ? `.${issue.path.join('.')}` : ''}`, 'contact.invalid', issue.message);
      continue;
    }
    if (parsed.data.pgpKey) {
      const fp = pgpFingerprint(parsed.data.pgpKey);
      if (!fp.ok) {
        err(`${c.field}.pgpKey`, fp.code, fp.message);
        continue;
      }
    }
    contacts.push(parsed.data);
  }

  if (errors.length) return { errors };
  return {
    errors,
    row: {
      line: raw.line,
      name: name as string,
      sector,
      country,
      isCii: isCii ?? undefined,
      ciiCategory: present(cat) ? (cat as string) : undefined,
      assets,
      contacts,
    },
  };
}
