import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../../test-support/app.ts';

type Rejected = { error: { code: string; details: { errors: { line: number; field: string | null; code: string; reason: string }[] } } };
const HEADER = 'name,sector,country,is_cii,cii_category,networks,asns,domains,email_domains,contact_name,contact_role,contact_email,contact_phone,contact_24x7';

describe(`constituency import (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
  });
  afterAll(async () => t.close());

  const upload = (body: string | Uint8Array, type = 'text/csv', query = '') =>
    t.request(`/api/v1/imports/constituency${query}`, { method: 'POST', as: analyst, headers: { 'content-type': type }, body });
  const count = async (q: string) => ((await (await t.request(`/api/v1/organizations?q=${encodeURIComponent(q)}&limit=500`, { as: analyst })).json()) as { items: unknown[] }).items.length;

  it('applies a valid CSV, merging rows of the same organization', async () => {
    const csv = [
      HEADER,
      'Imp Water,drinking-water,XX,yes,significant,198.18.100.0/24 2001:db8:100::/48,AS64500,imp-water.example,imp-water.example,SOC,security,soc@imp-water.example,+1 555 0100,yes',
      'imp water,,,,,198.18.101.0/24,,,,CISO,management,ciso@imp-water.example,,no',
    ].join('\n');
    const res = await upload(csv);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { applied: boolean; summary: Record<string, number> };
    expect(body.applied).toBe(true);
    expect(body.summary).toMatchObject({ rows: 2, organizationsCreated: 1, assetsAdded: 6, contactsAdded: 2, failedRows: 0 });
    const lookup = (await (await t.request('/api/v1/lookup?q=198.18.101.9', { as: analyst })).json()) as { matches: { organization: { name: string } }[] };
    expect(lookup.matches[0]?.organization.name).toBe('Imp Water');
  });

  it('is idempotent: importing the same file again changes nothing', async () => {
    const csv = `${HEADER}\nIdem Org,energy,XX,no,,198.18.110.0/24,,,,,,,,\n`;
    await upload(csv);
    const again = (await (await upload(csv)).json()) as { summary: Record<string, number> };
    expect(again.summary).toMatchObject({ organizationsCreated: 0, organizationsUpdated: 0, assetsAdded: 0 });
  });

  it('rejects the whole file when one row fails, naming line, field and reason', async () => {
    const csv = [HEADER, 'Good One,energy,XX,no,,198.18.120.0/24,,,,,,,,', 'Bad One,energy,XX,no,,198.18.121.1/24,,,,,,,,', 'Good Two,health,XX,no,,,,good-two.example,,,,,,'].join('\n');
    const res = await upload(csv);
    expect(res.status).toBe(422);
    const body = (await res.json()) as Rejected;
    expect(body.error.code).toBe('import.rejected');
    expect(body.error.details.errors).toEqual([{ line: 3, field: 'networks', code: 'asset.cidr_host_bits', reason: expect.stringContaining('198.18.121.0/24') }]);
    expect(await count('Good One')).toBe(0);
  });

  it('applies the passing rows with partial=true and reports the failing ones', async () => {
    const csv = [HEADER, 'Partial Good,energy,XX,no,,198.18.130.0/24,,,,,,,,', 'Partial Bad,nosuchsector,XX,no,,,,,,,,,,'].join('\n');
    const res = await upload(csv, 'text/csv', '?partial=true');
    const body = (await res.json()) as { applied: boolean; summary: { failedRows: number }; errors: { line: number; field: string; code: string }[] };
    expect(body.applied).toBe(true);
    expect(body.summary.failedRows).toBe(1);
    expect(body.errors).toEqual([expect.objectContaining({ line: 3, field: 'sector', code: 'organization.unknown_sector' })]);
    expect(await count('Partial Good')).toBe(1);
    expect(await count('Partial Bad')).toBe(0);
  });

  it('validates without applying on a dry run', async () => {
    const res = await upload(`${HEADER}\nDry Org,energy,XX,no,,,,,,,,,,\n`, 'text/csv', '?dryRun=true');
    const body = (await res.json()) as { applied: boolean; summary: { organizationsCreated: number } };
    expect(body).toMatchObject({ applied: false, summary: { organizationsCreated: 1 } });
    expect(await count('Dry Org')).toBe(0);
  });

  it('rejects wrong columns, naming them', async () => {
    const res = await upload('name,sektor,colour\nX,energy,red\n');
    const body = (await res.json()) as { error: { code: string; details: { unknown: string[] } } };
    expect([res.status, body.error.code]).toEqual([400, 'import.wrong_columns']);
    expect(body.error.details.unknown).toEqual(['sektor', 'colour']);
  });

  it('reports a row with the wrong number of cells and a contradicting row', async () => {
    const csv = [HEADER, 'Short Row,energy', 'Twice Org,energy,XX,no,,,,,,,,,,', 'Twice Org,health,XX,no,,,,,,,,,,'].join('\n');
    const body = (await (await upload(csv)).json()) as Rejected;
    expect(body.error.details.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'import.wrong_column_count'],
      [4, 'import.conflicting_row'],
    ]);
  });

  it('rejects a file that is not UTF-8 with the line of the first bad byte', async () => {
    const latin1 = Buffer.concat([Buffer.from(`${HEADER}\nCaf`), Buffer.from([0xe9]), Buffer.from(',energy,XX,no,,,,,,,,,,\n')]);
    const res = await upload(latin1);
    const body = (await res.json()) as { error: { code: string; details: { line: number } } };
    expect([res.status, body.error.code, body.error.details.line]).toEqual([400, 'import.bad_encoding', 2]);
  });

  it('refuses a 100 MB body with 413 without reading it all', async () => {
    let sent = 0;
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    const stream = new ReadableStream({
      pull(ctrl) {
        if (sent >= 100) return ctrl.close();
        sent++;
        ctrl.enqueue(chunk);
      },
    });
    const res = await t.request('/api/v1/imports/constituency', { method: 'POST', as: analyst, headers: { 'content-type': 'text/csv' }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(100);
  });

  it('reports JSON errors on the line of the offending field', async () => {
    const text = ['[', '  { "name": "Json Ok", "sector": "energy", "country": "XX",', '    "assets": [{ "type": "domain", "value": "json-ok.example" }] },', '  { "name": "Json Bad", "sector": "energy", "country": "XX",', '    "assets": [', '      { "type": "cidr", "value": "300.1.1.0/24" }', '    ] }', ']'].join('\n');
    const body = (await (await upload(text, 'application/json')).json()) as Rejected;
    expect(body.error.details.errors).toEqual([expect.objectContaining({ line: 6, field: 'assets[0].value', code: 'asset.invalid_cidr' })]);
  });

  it('round-trips its own JSON and CSV exports', async () => {
    for (const format of ['json', 'csv'] as const) {
      const res = await t.request(`/api/v1/exports/constituency?format=${format}`, { as: analyst });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(`.${format}`);
      const reply = await upload(await res.text(), format === "csv" ? "text/csv" : "application/json");
      const again = (await reply.json()) as { summary: Record<string, number> };
      expect(reply.status, JSON.stringify(again)).toBe(200);
      expect(again.summary).toMatchObject({ organizationsCreated: 0, organizationsUpdated: 0, assetsAdded: 0, contactsAdded: 0, failedRows: 0 });
    }
  });

  it('needs the import permission', async () => {
    const org = await t.createOrg('Importer Own Org');
    const me = await t.signIn('constituent', { organizationId: org.id });
    const res = await t.request('/api/v1/imports/constituency', { method: 'POST', as: me, headers: { 'content-type': 'text/csv' }, body: `${HEADER}\n` });
    expect(res.status).toBe(403);
  });
});
