import { describe, it, expect } from 'vitest';
import type { OrganizationRow } from '../../../platform/db/schema.ts';
import type { ImportRow } from './import.types.ts';
import { groupRows } from './merge.ts';

const NONE: ReadonlyMap<string, OrganizationRow> = new Map();

function row(line: number, name: string, extra: Partial<ImportRow> = {}): ImportRow {
  return { line, name, assets: [], contacts: [], ...extra };
}

function orgRow(name: string): OrganizationRow {
  const at = new Date('2025-01-01T00:00:00.000Z');
  return { id: '3f1d8a52-6c1e-4d2b-9a57-0b3c7e9f1a22', name, name_key: name.toLowerCase(), sector: 'energy', is_cii: false, cii_category: null, country: 'XX', created_at: at, updated_at: at };
}

describe('groupRows', () => {
  it('puts rows of different organizations in separate groups, in first-seen order', () => {
    const { groups, errors } = groupRows([row(2, 'Beta', { sector: 'energy', country: 'XX' }), row(3, 'Alpha', { sector: 'health', country: 'YY' })], NONE);
    expect(errors).toEqual([]);
    expect(groups.map((g) => [g.key, g.name, g.sector, g.country])).toEqual([
      ['beta', 'Beta', 'energy', 'XX'],
      ['alpha', 'Alpha', 'health', 'YY'],
    ]);
  });

  it('merges continuation rows of the same organization, matching names case-insensitively', () => {
    const first = row(2, 'Acme Water', { sector: 'energy', country: 'XX', isCii: true, assets: [{ type: 'cidr', value: '198.51.100.0/24' }] });
    const second = row(3, 'ACME water', { assets: [{ type: 'cidr', value: '203.0.113.0/24' }] });
    const third = row(4, 'acme water', { ciiCategory: 'significant', contacts: [{ name: 'SOC', role: 'security', email: 'soc@acme.example', is24x7: true }] });
    const { groups, errors } = groupRows([first, second, third], NONE);
    expect(errors).toEqual([]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ key: 'acme water', name: 'Acme Water', sector: 'energy', country: 'XX', isCii: true, ciiCategory: 'significant' });
    expect(groups[0]?.rows).toEqual([first, second, third]);
  });

  it('accepts a continuation row that repeats the same attribute values', () => {
    const { groups, errors } = groupRows([row(2, 'Acme', { sector: 'energy', country: 'XX' }), row(3, 'Acme', { sector: 'energy', country: 'XX' })], NONE);
    expect(errors).toEqual([]);
    expect(groups[0]?.rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it('flags a conflicting attribute on the later row with import.conflicting_row and leaves that row out', () => {
    const { groups, errors } = groupRows([row(2, 'Acme', { sector: 'energy', country: 'XX' }), row(5, 'acme', { sector: 'health', assets: [{ type: 'asn', value: 'AS64500' }] })], NONE);
    expect(errors).toEqual([{ line: 5, field: 'sector', code: 'import.conflicting_row', reason: expect.stringContaining('"health" contradicts "energy"') }]);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.sector).toBe('energy');
    expect(groups[0]?.rows.map((r) => r.line)).toEqual([2]);
  });

  it('names the CSV column of the conflicting attribute', () => {
    const { errors } = groupRows(
      [row(2, 'Acme', { sector: 'energy', country: 'XX', isCii: true, ciiCategory: 'a' }), row(3, 'Acme', { country: 'YY', isCii: false, ciiCategory: 'b' })],
      NONE,
    );
    expect(errors.map((e) => [e.line, e.field, e.code])).toEqual([
      [3, 'country', 'import.conflicting_row'],
      [3, 'is_cii', 'import.conflicting_row'],
      [3, 'cii_category', 'import.conflicting_row'],
    ]);
  });

  it('does not let a conflicting row change the group attributes it does not contradict', () => {
    const { groups } = groupRows([row(2, 'Acme', { sector: 'energy', country: 'XX' }), row(3, 'Acme', { sector: 'health', isCii: true })], NONE);
    expect(groups[0]?.isCii).toBeUndefined();
  });

  it('flags a new organization without sector on every one of its rows with import.missing_field', () => {
    const { groups, errors } = groupRows([row(2, 'Newco', { country: 'XX' }), row(3, 'Other', { sector: 'energy', country: 'XX' }), row(4, 'NEWCO')], NONE);
    expect(groups.map((g) => g.name)).toEqual(['Other']);
    expect(errors).toEqual([
      { line: 2, field: 'sector', code: 'import.missing_field', reason: expect.stringContaining('first on line 2') },
      { line: 4, field: 'sector', code: 'import.missing_field', reason: expect.stringContaining('first on line 2') },
    ]);
  });

  it('flags a new organization without country with import.missing_field on country', () => {
    const { errors } = groupRows([row(2, 'Newco', { sector: 'energy' })], NONE);
    expect(errors).toEqual([expect.objectContaining({ line: 2, field: 'country', code: 'import.missing_field' })]);
  });

  it('names both missing fields when a new organization has neither sector nor country', () => {
    const { errors } = groupRows([row(7, 'Newco')], NONE);
    expect(errors).toEqual([{ line: 7, field: 'sector', code: 'import.missing_field', reason: expect.stringContaining('sector and country') }]);
  });

  it('takes sector and country from a continuation row for a new organization', () => {
    const { groups, errors } = groupRows([row(2, 'Newco', { sector: 'energy' }), row(3, 'Newco', { country: 'XX' })], NONE);
    expect(errors).toEqual([]);
    expect(groups[0]).toMatchObject({ sector: 'energy', country: 'XX' });
  });

  it('needs neither sector nor country for an organization that already exists', () => {
    const existing = new Map([['acme', orgRow('Acme')]]);
    const { groups, errors } = groupRows([row(2, 'ACME', { assets: [{ type: 'domain', value: 'acme.example' }] })], existing);
    expect(errors).toEqual([]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ key: 'acme', name: 'ACME' });
    expect(groups[0]?.sector).toBeUndefined();
    expect(groups[0]?.country).toBeUndefined();
  });

  it('returns nothing for no rows', () => {
    expect(groupRows([], NONE)).toEqual({ groups: [], errors: [] });
  });
});
