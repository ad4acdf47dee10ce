import { parse } from 'csv-parse/sync';
import { describe, it, expect } from 'vitest';
import type { AssetRow, AssetType, ContactRow, OrganizationRow } from '../../../platform/db/schema.ts';
import { CSV_COLUMNS, parseConstituencyCsv } from './csv.ts';
import { toExportCsv, toExportJson } from './export.ts';
import { parseConstituencyJson } from './json.ts';
import { groupRows } from './merge.ts';

type Bundle = { org: OrganizationRow; assets: AssetRow[]; contacts: ContactRow[] };

const SECTORS: ReadonlySet<string> = new Set(['energy', 'health', 'drinking-water']);
const AT = new Date('2025-01-01T00:00:00.000Z');

// A throwaway ed25519 key (gpg --armor --export), to round-trip a multi-line cell.
const PGP_KEY = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '',
  'mDMEawG6FBYJKwYBBAHaRw8BAQdAbm2Y3rub3rHOaJsjtlACHg4yCW1NldGj+K5w',
  'PIwN/5+0FlRlc3QgPHNvY0BleGFtcGxlLm9yZz6IkAQTFggAOBYhBPDMcuy0/gip',
  'kBGT296gVe+w7FK0BQJrAboUAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJ',
  'EN6gVe+w7FK0jQUBAMZHbPcNBJwlQJyzeQdQzthQfqXOAD3N5VVnIhSFLjLeAP47',
  'I73XJqjYMM5TfTLL14eCe3YeBtpwtT7QsTeeDUxaCQ==',
  '=FRJX',
  '-----END PGP PUBLIC KEY BLOCK-----',
].join('\n');

let seq = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

function org(name: string, extra: Partial<OrganizationRow> = {}): OrganizationRow {
  return { id: uuid(), name, name_key: name.toLowerCase(), sector: 'energy', is_cii: false, cii_category: null, country: 'XX', created_at: AT, updated_at: AT, ...extra };
}

function asset(o: OrganizationRow, type: AssetType, value: string): AssetRow {
  return { id: uuid(), organization_id: o.id, type, value, created_at: AT };
}

function contact(o: OrganizationRow, email: string, extra: Partial<ContactRow> = {}): ContactRow {
  return { id: uuid(), organization_id: o.id, name: 'SOC', role: 'security', email, phone: null, is_24x7: false, pgp_key: null, pgp_fingerprint: null, created_at: AT, updated_at: AT, ...extra };
}

/** The cells of an exported CSV, read back with a plain CSV parser (no neutralization undone). */
function cells(csv: string): string[][] {
  return parse(csv) as string[][];
}

function sampleBundles(): Bundle[] {
  const water = org('Acme Water, "North"', { sector: 'drinking-water', is_cii: true, cii_category: 'significant\nessential' });
  const grid = org('Grid Co', { country: 'YY' });
  return [
    {
      org: water,
      assets: [
        asset(water, 'cidr', '198.51.100.0/24'),
        asset(water, 'cidr', '2001:db8::/32'),
        asset(water, 'asn', 'AS64500'),
        asset(water, 'domain', 'acme-water.example'),
        asset(water, 'email_domain', 'mail.acme-water.example'),
      ],
      contacts: [
        contact(water, 'soc@acme-water.example', { name: 'SOC "Blue" Team', phone: '+1 555 0100', is_24x7: true, pgp_key: PGP_KEY }),
        contact(water, 'ciso@acme-water.example', { name: "O'Brien, Pat", role: 'management' }),
        contact(water, 'noc@acme-water.example', { name: 'NOC', role: 'technical', phone: '(0)30 1234 5678' }),
      ],
    },
    { org: grid, assets: [asset(grid, 'domain', 'grid.example')], contacts: [] },
  ];
}

describe('toExportCsv', () => {
  it('starts with the import header and ends every line with CRLF', () => {
    const csv = toExportCsv([]);
    expect(csv).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('quotes cells with commas, double quotes and newlines, doubling the quotes', () => {
    const o = org('Acme, "Water"\nDivision');
    const csv = toExportCsv([{ org: o, assets: [], contacts: [] }]);
    expect(csv.split('\r\n')[1]).toBe('"Acme, ""Water""\nDivision",energy,XX,no,,,,,,,,,,,');
    expect(cells(csv)[1]?.[0]).toBe('Acme, "Water"\nDivision');
  });

  it('leaves plain cells unquoted', () => {
    const o = org('Grid Co');
    const csv = toExportCsv([{ org: o, assets: [asset(o, 'cidr', '198.51.100.0/24'), asset(o, 'cidr', '203.0.113.0/24')], contacts: [] }]);
    expect(csv.split('\r\n')[1]).toBe('Grid Co,energy,XX,no,,198.51.100.0/24 203.0.113.0/24,,,,,,,,,');
  });

  it("neutralizes a =cmd|... formula with a leading apostrophe", () => {
    const o = org("=cmd|' /C calc'!A0");
    const row = cells(toExportCsv([{ org: o, assets: [], contacts: [] }]))[1];
    expect(row?.[0]).toBe("'=cmd|' /C calc'!A0");
  });

  it('neutralizes cells starting with +, -, @, tab and carriage return', () => {
    const bundles = ['+SUM(1)', '-cmd', '@SUM(1+1)', '\t=1+1', '\r=1+1'].map((name) => ({ org: org(name), assets: [], contacts: [] }));
    const names = cells(toExportCsv(bundles))
      .slice(1)
      .map((r) => r[0]);
    expect(names).toEqual(["'+SUM(1)", "'-cmd", "'@SUM(1+1)", "'\t=1+1", "'\r=1+1"]);
  });

  it('neutralizes a phone number starting with +', () => {
    const o = org('Acme');
    const row = cells(toExportCsv([{ org: o, assets: [], contacts: [contact(o, 'soc@acme.example', { phone: '+1 555 0100' })] }]))[1];
    expect(row?.[CSV_COLUMNS.indexOf('contact_phone')]).toBe("'+1 555 0100");
  });

  it('leaves a plain negative number alone', () => {
    const o = org('-42');
    expect(cells(toExportCsv([{ org: o, assets: [], contacts: [] }]))[1]?.[0]).toBe('-42');
  });

  it("neutralizes a formula that starts with a negative number (-2+3+cmd|' /C calc'!A0)", () => {
    const o = org("-2+3+cmd|' /C calc'!A0");
    expect(cells(toExportCsv([{ org: o, assets: [], contacts: [] }]))[1]?.[0]).toBe("'-2+3+cmd|' /C calc'!A0");
  });

  it('writes the first contact on the organization row and each extra contact on a row of its own', () => {
    const [water] = sampleBundles();
    const rows = cells(toExportCsv([water as Bundle]));
    expect(rows).toHaveLength(4);
    const email = CSV_COLUMNS.indexOf('contact_email');
    expect(rows.slice(1).map((r) => r[email])).toEqual(['soc@acme-water.example', 'ciso@acme-water.example', 'noc@acme-water.example']);
    for (const extra of rows.slice(2)) {
      expect(extra[0]).toBe('Acme Water, "North"');
      expect(extra.slice(1, CSV_COLUMNS.indexOf('contact_name'))).toEqual(['', '', '', '', '', '', '', '']);
    }
  });

  it('writes booleans as yes/no', () => {
    const [water] = sampleBundles();
    const rows = cells(toExportCsv([water as Bundle]));
    expect(rows[1]?.[CSV_COLUMNS.indexOf('is_cii')]).toBe('yes');
    expect(rows.slice(1).map((r) => r[CSV_COLUMNS.indexOf('contact_24x7')])).toEqual(['yes', 'no', 'no']);
  });

  it('is read back by parseConstituencyCsv to the same organizations, assets and contacts', () => {
    const bundles = sampleBundles();
    const parsed = parseConstituencyCsv(toExportCsv(bundles), SECTORS);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rowCount).toBe(4);
    const { groups, errors } = groupRows(parsed.rows, new Map());
    expect(errors).toEqual([]);
    expect(groups).toHaveLength(2);
    groups.forEach((g, i) => {
      const { org: o, assets, contacts } = bundles[i] as Bundle;
      expect(g.name).toBe(o.name);
      expect({ sector: g.sector, country: g.country, isCii: g.isCii, ciiCategory: g.ciiCategory ?? null }).toEqual({
        sector: o.sector,
        country: o.country,
        isCii: o.is_cii,
        ciiCategory: o.cii_category,
      });
      expect(g.rows.flatMap((r) => r.assets)).toEqual(assets.map((a) => ({ type: a.type, value: a.value })));
      expect(g.rows.flatMap((r) => r.contacts)).toEqual(
        contacts.map((c) => ({ name: c.name, role: c.role, email: c.email, phone: c.phone, is24x7: c.is_24x7, pgpKey: c.pgp_key })),
      );
    });
  });

  it('round-trips neutralized values through parseConstituencyCsv', () => {
    const o = org("=cmd|' /C calc'!A0");
    const c = contact(o, 'soc@acme.example', { name: '@soc', role: '-security', phone: '+1 555 0100' });
    const parsed = parseConstituencyCsv(toExportCsv([{ org: o, assets: [], contacts: [c] }]), SECTORS);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]?.name).toBe("=cmd|' /C calc'!A0");
    expect(parsed.rows[0]?.contacts[0]).toMatchObject({ name: '@soc', role: '-security', phone: '+1 555 0100' });
  });
});

describe('toExportJson', () => {
  it('writes pretty JSON ending with a newline', () => {
    const json = toExportJson([]);
    expect(json).toBe('[]\n');
  });

  it('writes the organization, its assets and its contacts in the import format', () => {
    const [water] = sampleBundles();
    const items = JSON.parse(toExportJson([water as Bundle])) as Record<string, unknown>[];
    expect(items[0]).toMatchObject({
      id: water?.org.id,
      name: 'Acme Water, "North"',
      sector: 'drinking-water',
      country: 'XX',
      isCii: true,
      ciiCategory: 'significant\nessential',
    });
    expect(items[0]?.assets).toEqual(water?.assets.map((a) => ({ type: a.type, value: a.value })));
    expect((items[0]?.contacts as unknown[])[1]).toEqual({ name: "O'Brien, Pat", role: 'management', email: 'ciso@acme-water.example', phone: null, is24x7: false, pgpKey: null });
  });

  it('is read back by parseConstituencyJson to the same organizations, assets and contacts', () => {
    const bundles = sampleBundles();
    const parsed = parseConstituencyJson(toExportJson(bundles), SECTORS);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rowCount).toBe(2);
    expect(parsed.rows.map(({ line: _line, ...rest }) => rest)).toEqual(
      bundles.map(({ org: o, assets, contacts }) => ({
        name: o.name,
        sector: o.sector,
        country: o.country,
        isCii: o.is_cii,
        ciiCategory: o.cii_category ?? undefined,
        assets: assets.map((a) => ({ type: a.type, value: a.value })),
        contacts: contacts.map((c) => ({ name: c.name, role: c.role, email: c.email, phone: c.phone, is24x7: c.is_24x7, pgpKey: c.pgp_key })),
      })),
    );
  });
});
