import { describe, it, expect } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { CSV_COLUMNS, parseConstituencyCsv } from './csv.ts';

const SECTORS: ReadonlySet<string> = new Set(['energy', 'health', 'drinking-water']);
const HEADER = CSV_COLUMNS.join(',');

function csvError(text: string): AppError {
  try {
    parseConstituencyCsv(text, SECTORS);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected parseConstituencyCsv to throw');
}

describe('parseConstituencyCsv: header', () => {
  it('rejects unknown columns with import.wrong_columns listing them', () => {
    const err = csvError('name,sektor,colour\nX,energy,red\n');
    expect([err.code, err.status]).toEqual(['import.wrong_columns', 400]);
    expect(err.details).toMatchObject({ line: 1, unknown: ['sektor', 'colour'], missing: [], duplicate: [], allowed: CSV_COLUMNS });
    expect(err.message).toContain('unknown columns: sektor, colour');
  });

  it('rejects a header without the name column with import.wrong_columns listing it as missing', () => {
    const err = csvError('sector,country\nenergy,XX\n');
    expect(err.code).toBe('import.wrong_columns');
    expect(err.details).toMatchObject({ unknown: [], missing: ['name'], duplicate: [] });
  });

  it('rejects a repeated column with import.wrong_columns listing it', () => {
    const err = csvError('name,sector,Sector\nX,energy,energy\n');
    expect(err.code).toBe('import.wrong_columns');
    expect(err.details).toMatchObject({ unknown: [], missing: [], duplicate: ['sector'] });
  });

  it('reports unknown, missing and repeated columns together', () => {
    const err = csvError('sector,sector,colour\n');
    expect(err.details).toMatchObject({ unknown: ['colour'], missing: ['name'], duplicate: ['sector'] });
  });

  it('reads the header case-insensitively and ignores spaces around names', () => {
    const r = parseConstituencyCsv(' NAME , Sector,COUNTRY\nAcme,energy,xx\n', SECTORS);
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([{ line: 2, name: 'Acme', sector: 'energy', country: 'XX', isCii: undefined, ciiCategory: undefined, assets: [], contacts: [] }]);
  });

  it('accepts the columns in any order', () => {
    const r = parseConstituencyCsv('country,name,sector\nXX,Acme,energy\n', SECTORS);
    expect(r.rows[0]).toMatchObject({ name: 'Acme', sector: 'energy', country: 'XX' });
  });

  it('ignores a UTF-8 BOM before the header', () => {
    const r = parseConstituencyCsv('\uFEFFname,sector,country\nAcme,energy,XX\n', SECTORS);
    expect(r.errors).toEqual([]);
    expect(r.rows).toHaveLength(1);
  });

  it('rejects an empty file with import.empty', () => {
    expect(csvError('').code).toBe('import.empty');
  });

  it('returns no rows for a header-only file', () => {
    expect(parseConstituencyCsv(`${HEADER}\n`, SECTORS)).toEqual({ rows: [], errors: [], rowCount: 0 });
  });
});

describe('parseConstituencyCsv: rows', () => {
  it('reads a full row with organization attributes, assets and a contact', () => {
    const text = [
      HEADER,
      'Acme Water,Drinking-Water,xx,yes,significant,198.51.100.0/24,as64500,Acme.example,@mail.acme.example,SOC Team,security,soc@acme.example,+1 555 0100,yes,',
    ].join('\n');
    const r = parseConstituencyCsv(text, SECTORS);
    expect(r.errors).toEqual([]);
    expect(r.rowCount).toBe(1);
    expect(r.rows).toEqual([
      {
        line: 2,
        name: 'Acme Water',
        sector: 'drinking-water',
        country: 'XX',
        isCii: true,
        ciiCategory: 'significant',
        assets: [
          { type: 'cidr', value: '198.51.100.0/24' },
          { type: 'asn', value: 'AS64500' },
          { type: 'domain', value: 'acme.example' },
          { type: 'email_domain', value: 'mail.acme.example' },
        ],
        contacts: [{ name: 'SOC Team', role: 'security', email: 'soc@acme.example', phone: '+1 555 0100', is24x7: true, pgpKey: null }],
      },
    ]);
  });

  it('splits list cells on spaces, semicolons and commas', () => {
    const text = ['name,sector,country,networks,domains', 'Acme,energy,XX,"198.51.100.0/24; 203.0.113.0/24,192.0.2.0/24  2001:db8::/32",a.example;b.example'].join('\n');
    const r = parseConstituencyCsv(text, SECTORS);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]?.assets).toEqual([
      { type: 'cidr', value: '198.51.100.0/24' },
      { type: 'cidr', value: '203.0.113.0/24' },
      { type: 'cidr', value: '192.0.2.0/24' },
      { type: 'cidr', value: '2001:db8::/32' },
      { type: 'domain', value: 'a.example' },
      { type: 'domain', value: 'b.example' },
    ]);
  });

  it('reports a bad asset on its list column', () => {
    const r = parseConstituencyCsv('name,sector,country,networks\nAcme,energy,XX,198.51.100.7/24\n', SECTORS);
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([{ line: 2, field: 'networks', code: 'asset.cidr_host_bits', reason: expect.stringContaining('198.51.100.0/24') }]);
  });

  it('leaves sector, country and is_cii unset on a continuation row with empty cells', () => {
    const r = parseConstituencyCsv('name,sector,country,is_cii,domains\nAcme,,,,more.example\n', SECTORS);
    expect(r.rows).toEqual([{ line: 2, name: 'Acme', sector: undefined, country: undefined, isCii: undefined, ciiCategory: undefined, assets: [{ type: 'domain', value: 'more.example' }], contacts: [] }]);
  });

  it('reports an unknown sector and a bad country on their fields', () => {
    const r = parseConstituencyCsv('name,sector,country\nAcme,mining,XXX\n', SECTORS);
    expect(r.errors.map((e) => [e.line, e.field, e.code])).toEqual([
      [2, 'sector', 'organization.unknown_sector'],
      [2, 'country', 'organization.invalid_country'],
    ]);
  });

  it('reports an unreadable is_cii value as import.invalid_boolean', () => {
    const r = parseConstituencyCsv('name,is_cii\nAcme,maybe\n', SECTORS);
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, field: 'isCii', code: 'import.invalid_boolean' })]);
  });

  it('reports a row with the wrong number of cells as import.wrong_column_count', () => {
    const r = parseConstituencyCsv('name,sector,country\nShort,energy\nLong,energy,XX,extra\nOk,energy,XX\n', SECTORS);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'import.wrong_column_count'],
      [3, 'import.wrong_column_count'],
    ]);
    expect(r.rows.map((row) => row.name)).toEqual(['Ok']);
    expect(r.rowCount).toBe(3);
  });

  it('counts lines correctly after blank lines and a quoted multi-line cell', () => {
    const text = ['name,sector,country,networks', '', '"Multi', 'Line Org",energy,XX,198.51.100.0/24', '', 'Bad Org,energy,XX,198.51.100.7/24', '', '', 'Other,mining,XX,'].join('\n');
    const r = parseConstituencyCsv(text, SECTORS);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]?.name).toBe('Multi\nLine Org');
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [6, 'networks'],
      [9, 'sector'],
    ]);
    expect(r.rowCount).toBe(3);
  });

  it('reports a row whose quoted cell spans two lines on the line where the row starts', () => {
    const text = ['name,sector,country,networks', 'First,energy,XX,', '"Bad', 'Org",energy,XX,198.51.100.7/24'].join('\n');
    const r = parseConstituencyCsv(text, SECTORS);
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([[3, 'networks']]);
  });

  it('counts lines of CRLF files like LF files', () => {
    const r = parseConstituencyCsv('name,sector,country\r\nA,energy,XX\r\n\r\nB,mining,XX\r\n', SECTORS);
    expect(r.rows.map((row) => [row.line, row.name])).toEqual([[2, 'A']]);
    expect(r.errors.map((e) => e.line)).toEqual([4]);
  });
});

describe('parseConstituencyCsv: contacts', () => {
  const CONTACT_HEADER = 'name,contact_name,contact_role,contact_email,contact_phone,contact_24x7';

  it('builds no contact when every contact cell is empty', () => {
    expect(parseConstituencyCsv(`${CONTACT_HEADER}\nAcme,,,,,\n`, SECTORS).rows[0]?.contacts).toEqual([]);
  });

  it('defaults the contact name to the e-mail, the role to security and 24x7 to false', () => {
    const r = parseConstituencyCsv(`${CONTACT_HEADER}\nAcme,,,soc@acme.example,,\n`, SECTORS);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]?.contacts).toEqual([{ name: 'soc@acme.example', role: 'security', email: 'soc@acme.example', phone: null, is24x7: false, pgpKey: null }]);
  });

  it('reads contact_24x7 as a boolean', () => {
    const r = parseConstituencyCsv(`${CONTACT_HEADER}\nAcme,CISO,management,ciso@acme.example,,no\nAcme,SOC,security,soc@acme.example,,1\n`, SECTORS);
    expect(r.rows.map((row) => row.contacts[0]?.is24x7)).toEqual([false, true]);
  });

  it('reports a bad contact e-mail on the contact.email field', () => {
    const r = parseConstituencyCsv(`${CONTACT_HEADER}\nAcme,SOC,security,not-an-email,,yes\n`, SECTORS);
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, field: 'contact.email', code: 'contact.invalid' })]);
  });

  it('reports a contact without an e-mail on the contact.email field', () => {
    const r = parseConstituencyCsv(`${CONTACT_HEADER}\nAcme,SOC,security,,,\n`, SECTORS);
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, field: 'contact.email', code: 'contact.invalid' })]);
  });

  it('reports an unreadable contact_24x7 on the contact.is24x7 field', () => {
    const r = parseConstituencyCsv(`${CONTACT_HEADER}\nAcme,SOC,security,soc@acme.example,,sometimes\n`, SECTORS);
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, field: 'contact.is24x7', code: 'contact.invalid' })]);
  });

  it('reports an invalid PGP key on the contact.pgpKey field', () => {
    const r = parseConstituencyCsv('name,contact_email,contact_pgp_key\nAcme,soc@acme.example,not a key\n', SECTORS);
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, field: 'contact.pgpKey', code: 'contact.invalid_pgp_key' })]);
  });

  it("reads a cell neutralized on export ('+1 555) back without the apostrophe", () => {
    const r = parseConstituencyCsv(`${CONTACT_HEADER}\nAcme,SOC,security,soc@acme.example,'+1 555,no\n`, SECTORS);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]?.contacts[0]?.phone).toBe('+1 555');
  });

  it("reads neutralized =, - and @ cells back without the apostrophe", () => {
    const r = parseConstituencyCsv(`name,contact_name,contact_role,contact_email\n'=Acme,'-SOC,'@role,soc@acme.example\n`, SECTORS);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]?.name).toBe('=Acme');
    expect(r.rows[0]?.contacts[0]).toMatchObject({ name: '-SOC', role: '@role' });
  });

  it('keeps a leading apostrophe that is not followed by a formula character', () => {
    const r = parseConstituencyCsv("name,sector,country\n'Quoted Org,energy,XX\n", SECTORS);
    expect(r.rows[0]?.name).toBe("'Quoted Org");
  });
});

describe('parseConstituencyCsv: broken files', () => {
  it('rejects an unclosed quote with import.invalid_csv and a line', () => {
    const err = csvError('name,sector\n"Acme,energy\nOther,health\n');
    expect([err.code, err.status]).toEqual(['import.invalid_csv', 400]);
    expect(err.details).toEqual({ line: expect.any(Number) });
  });

  it('rejects a quote in the middle of an unquoted cell with import.invalid_csv on its line', () => {
    const err = csvError('name,sector\nAcme,ener"gy"\n');
    expect(err.code).toBe('import.invalid_csv');
    expect(err.details).toEqual({ line: 2 });
  });
});
