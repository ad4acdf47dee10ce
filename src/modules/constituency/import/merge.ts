import type { OrganizationRow } from '../../../platform/db/schema.ts';
import type { ImportRow, RowError } from './import.types.ts';

export type OrgGroup = {
  key: string;
  name: string;
  rows: ImportRow[];
  sector?: string | undefined;
  country?: string | undefined;
  isCii?: boolean | undefined;
  ciiCategory?: string | null | undefined;
};

const ATTRS = ['sector', 'country', 'isCii', 'ciiCategory'] as const;
const FIELD: Record<(typeof ATTRS)[number], string> = { sector: 'sector', country: 'country', isCii: 'is_cii', ciiCategory: 'cii_category' };

/**
 * Groups rows by organization name (case-insensitive). Later rows may add assets and contacts but
 * must not contradict an attribute an earlier row set. New organizations need a sector and country.
 */
export function groupRows(rows: ImportRow[], existing: ReadonlyMap<string, OrganizationRow>): { groups: OrgGroup[]; errors: RowError[] } {
  const byKey = new Map<string, OrgGroup>();
  const errors: RowError[] = [];
  for (const row of rows) {
    const key = row.name.toLowerCase();
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { key, name: row.name, rows: [] }));
    let conflict = false;
    for (const attr of ATTRS) {
      const v = row[attr];
      if (v === undefined) continue;
      if (g[attr] !== undefined && g[attr] !== v) {
        errors.push({ line: row.line, field: FIELD[attr], code: 'import.conflicting_row', reason: `${FIELD[attr]} "${String(v)}" contradicts "${String(g[attr])}" given earlier for ${g.name}` });
        conflict = true;
      }
    }
    if (conflict) continue;
    for (const attr of ATTRS) if (row[attr] !== undefined) (g as Record<string, unknown>)[attr] = row[attr];
    g.rows.push(row);
  }
  const groups: OrgGroup[] = [];
  for (const g of byKey.values()) {
    if (g.rows.length === 0) continue;
    const first = g.rows[0] as ImportRow;
    const missing = existing.has(g.key) ? [] : (['sector', 'country'] as const).filter((a) => g[a] === undefined);
    if (missing.length) {
      for (const row of g.rows) errors.push({ line: row.line, field: missing[0] as string, code: 'import.missing_field', reason: `a new organization needs ${missing.join(' and ')} (${g.name}, first on line ${first.line})` });
      continue;
    }
    groups.push(g);
  }
  return { groups, errors };
}
