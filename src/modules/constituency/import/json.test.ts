import { describe, it, expect } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { parseConstituencyJson } from './json.ts';

const SECTORS: ReadonlySet<string> = new Set(['energy', 'health']);

function jsonError(text: string): AppError {
  try {
    parseConstituencyJson(text, SECTORS);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected parseConstituencyJson to throw');
}

describe('parseConstituencyJson', () => {
  it('reads organizations with assets and contacts', () => {
    const text = JSON.stringify([
      {
        name: 'Acme',
        sector: 'Energy',
        country: 'xx',
        isCii: true,
        ciiCategory: 'significant',
        assets: [
          { type: 'cidr', value: '2001:DB8::/32' },
          { type: 'asn', value: 'as64500' },
        ],
        contacts: [{ name: 'SOC', role: 'security', email: 'soc@acme.example', phone: '+1 555 0100', is24x7: true, pgpKey: null }],
      },
    ]);
    const r = parseConstituencyJson(text, SECTORS);
    expect(r.errors).toEqual([]);
    expect(r.rowCount).toBe(1);
    expect(r.rows).toEqual([
      {
        line: 1,
        name: 'Acme',
        sector: 'energy',
        country: 'XX',
        isCii: true,
        ciiCategory: 'significant',
        assets: [
          { type: 'cidr', value: '2001:db8::/32' },
          { type: 'asn', value: 'AS64500' },
        ],
        contacts: [{ name: 'SOC', role: 'security', email: 'soc@acme.example', phone: '+1 555 0100', is24x7: true, pgpKey: null }],
      },
    ]);
  });

  it('accepts the read-only fields of its own export (id, counts, timestamps, contact ids)', () => {
    const text = JSON.stringify([
      {
        id: '3f1d8a52-6c1e-4d2b-9a57-0b3c7e9f1a22',
        name: 'Acme',
        sector: 'energy',
        country: 'XX',
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
        assetCount: 0,
        contactCount: 1,
        contacts: [{ id: 'c1', organizationId: 'o1', createdAt: 'x', pgpFingerprint: null, name: 'SOC', role: 'security', email: 'soc@acme.example' }],
      },
    ]);
    const r = parseConstituencyJson(text, SECTORS);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]?.contacts).toEqual([{ name: 'SOC', role: 'security', email: 'soc@acme.example', is24x7: false }]);
  });

  it('gives each item the line its object starts on', () => {
    const text = ['[', '  {', '    "name": "A", "sector": "energy", "country": "XX"', '  },', '', '  { "name": "B", "sector": "health", "country": "XX" }', ']'].join('\n');
    expect(parseConstituencyJson(text, SECTORS).rows.map((r) => [r.line, r.name])).toEqual([
      [2, 'A'],
      [6, 'B'],
    ]);
  });

  it('rejects a top-level object with import.invalid_json', () => {
    const err = jsonError('{ "name": "Acme" }');
    expect([err.code, err.status]).toEqual(['import.invalid_json', 400]);
    expect(err.details).toEqual({ line: 1 });
  });

  it('rejects a top-level string with import.invalid_json', () => {
    expect(jsonError('"organizations"').code).toBe('import.invalid_json');
  });

  it('reports invalid JSON with the line of the syntax error', () => {
    const err = jsonError(['[', '  { "name": "A",', '    "sector": "energy"', '    "country": "XX" }', ']'].join('\n'));
    expect([err.code, err.status]).toEqual(['import.invalid_json', 400]);
    expect(err.details).toEqual({ line: 4 });
  });

  it('reports each item that is not an object as import.invalid_row on its line', () => {
    const text = ['[', '  1,', '  null,', '  ["Acme"],', '  "Acme",', '  { "name": "Ok", "sector": "energy", "country": "XX" }', ']'].join('\n');
    const r = parseConstituencyJson(text, SECTORS);
    expect(r.errors).toEqual([2, 3, 4, 5].map((line) => ({ line, field: null, code: 'import.invalid_row', reason: 'each item must be an object' })));
    expect(r.rows.map((row) => row.name)).toEqual(['Ok']);
    expect(r.rowCount).toBe(5);
  });

  it('reports an unknown field as import.unknown_field on its line and drops the row', () => {
    const text = ['[', '  { "name": "Acme", "sector": "energy",', '    "country": "XX",', '    "colour": "red" }', ']'].join('\n');
    const r = parseConstituencyJson(text, SECTORS);
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([{ line: 4, field: 'colour', code: 'import.unknown_field', reason: 'unknown field "colour"' }]);
  });

  it('reports a bad asset type as asset.invalid_type on the asset line', () => {
    const text = ['[', '  { "name": "Acme", "sector": "energy", "country": "XX",', '    "assets": [', '      { "type": "domain", "value": "ok.example" },', '      { "type": "ip", "value": "192.0.2.1" }', '    ] }', ']'].join('\n');
    const r = parseConstituencyJson(text, SECTORS);
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([expect.objectContaining({ line: 5, field: 'assets[1].type', code: 'asset.invalid_type' })]);
  });

  it('reports an asset that is not an object as asset.invalid_type', () => {
    const r = parseConstituencyJson(JSON.stringify([{ name: 'Acme', sector: 'energy', country: 'XX', assets: ['192.0.2.0/24'] }]), SECTORS);
    expect(r.errors).toEqual([expect.objectContaining({ field: 'assets[0].type', code: 'asset.invalid_type' })]);
  });

  it('reports assets or contacts that are not arrays as import.invalid_field', () => {
    const r = parseConstituencyJson(JSON.stringify([{ name: 'Acme', sector: 'energy', country: 'XX', assets: {}, contacts: 'soc@acme.example' }]), SECTORS);
    expect(r.rows).toEqual([]);
    expect(r.errors.map((e) => [e.field, e.code])).toEqual([
      ['assets', 'import.invalid_field'],
      ['contacts', 'import.invalid_field'],
    ]);
  });

  it('reports nested field errors on the line of the nested field', () => {
    const text = [
      '[',
      '  {',
      '    "name": "Acme",',
      '    "sector": "energy",',
      '    "country": "XX",',
      '    "assets": [',
      '      { "type": "domain",',
      '        "value": "bad_domain" }',
      '    ],',
      '    "contacts": [',
      '      { "name": "SOC", "role": "security",',
      '        "email": "not-an-email" }',
      '    ]',
      '  }',
      ']',
    ].join('\n');
    const r = parseConstituencyJson(text, SECTORS);
    expect(r.errors.map((e) => [e.line, e.field, e.code])).toEqual([
      [8, 'assets[0].value', 'asset.invalid_domain'],
      [12, 'contacts[0].email', 'contact.invalid'],
    ]);
  });

  it('reports a missing contact field on the line of the contact object', () => {
    const text = ['[', '  { "name": "Acme", "sector": "energy", "country": "XX",', '    "contacts": [', '      { "name": "SOC", "role": "security" }', '    ] }', ']'].join('\n');
    const r = parseConstituencyJson(text, SECTORS);
    expect(r.errors).toEqual([expect.objectContaining({ line: 4, field: 'contacts[0].email', code: 'contact.invalid' })]);
  });

  it('reports top-level field errors on the line of the field', () => {
    const text = ['[', '  {', '    "name": "Acme",', '    "sector": "mining",', '    "country": "XX",', '    "isCii": "perhaps"', '  }', ']'].join('\n');
    const r = parseConstituencyJson(text, SECTORS);
    expect(r.errors.map((e) => [e.line, e.field, e.code])).toEqual([
      [4, 'sector', 'organization.unknown_sector'],
      [6, 'isCii', 'import.invalid_boolean'],
    ]);
  });

  it('reports a missing name on the line of the item', () => {
    const text = ['[', '  { "sector": "energy", "country": "XX" }', ']'].join('\n');
    expect(parseConstituencyJson(text, SECTORS).errors).toEqual([expect.objectContaining({ line: 2, field: 'name', code: 'organization.invalid_name' })]);
  });

  it('reads an empty array as no rows', () => {
    expect(parseConstituencyJson('[]', SECTORS)).toEqual({ rows: [], errors: [], rowCount: 0 });
  });
});
