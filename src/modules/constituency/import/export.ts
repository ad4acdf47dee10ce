import type { AssetRow, ContactRow, OrganizationRow } from '../../../platform/db/schema.ts';
import { CSV_COLUMNS } from './csv.ts';

type Bundle = { org: OrganizationRow; assets: AssetRow[]; contacts: ContactRow[] };

/** The JSON export: exactly what the JSON import reads back. */
export function toExportJson(bundles: Bundle[]): string {
  const items = bundles.map(({ org, assets, contacts }) => ({
    id: org.id,
    name: org.name,
    sector: org.sector,
    country: org.country,
    isCii: org.is_cii,
    ciiCategory: org.cii_category,
    assets: assets.map((a) => ({ type: a.type, value: a.value })),
    contacts: contacts.map((c) => ({ name: c.name, role: c.role, email: c.email, phone: c.phone, is24x7: c.is_24x7, pgpKey: c.pgp_key })),
  }));
  return `${JSON.stringify(items, null, 2)}\n`;
}

function cell(v: string | null | undefined): string {
  const s = v ?? '';
  // Cells starting with = + - @ are neutralized so a spreadsheet never runs them as formulas.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV export: one row per organization with its assets, plus one more row per extra contact. */
export function toExportCsv(bundles: Bundle[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { org, assets, contacts } of bundles) {
    const list = (type: AssetRow['type']) => assets.filter((a) => a.type === type).map((a) => a.value).join(' ');
    const contactCells = (c: ContactRow | undefined) =>
      c ? [c.name, c.role, c.email, c.phone, c.is_24x7 ? 'yes' : 'no', c.pgp_key] : ['', '', '', '', '', ''];
    const [first, ...rest] = contacts;
    lines.push(
      [org.name, org.sector, org.country, org.is_cii ? 'yes' : 'no', org.cii_category, list('cidr'), list('asn'), list('domain'), list('email_domain'), ...contactCells(first)]
        .map(cell)
        .join(','),
    );
    for (const c of rest) lines.push([org.name, '', '', '', '', '', '', '', '', ...contactCells(c)].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
