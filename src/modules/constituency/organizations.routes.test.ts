import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';

type Err = { error: { code: string; details?: unknown } };
const json = (v: unknown) => JSON.stringify(v);

describe(`organizations API (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  beforeAll(async () => {
    t = await createTestApp();
    analyst = await t.signIn('analyst');
  });
  afterAll(async () => t.close());

  const post = (path: string, body: unknown, as = analyst) => t.request(path, { method: 'POST', as, body: json(body) });

  it('creates an organization and reads it back with assets and contacts', async () => {
    const res = await post('/api/v1/organizations', { name: 'Acme Grid', sector: 'energy', isCii: true, ciiCategory: 'significant', country: 'xx' });
    expect(res.status).toBe(201);
    const org = (await res.json()) as { id: string; country: string };
    expect(org.country).toBe('XX');
    expect((await post(`/api/v1/organizations/${org.id}/assets`, { type: 'cidr', value: '198.18.64.0/20' })).status).toBe(201);
    expect((await post(`/api/v1/organizations/${org.id}/assets`, { type: 'domain', value: 'ACME-grid.example.' })).status).toBe(201);
    expect((await post(`/api/v1/organizations/${org.id}/contacts`, { name: 'SOC', role: 'security', email: 'soc@acme-grid.example', is24x7: true })).status).toBe(201);
    const detail = (await (await t.request(`/api/v1/organizations/${org.id}`, { as: analyst })).json()) as { assets: { value: string }[]; contacts: { is24x7: boolean }[]; assetCount: number };
    expect(detail.assets.map((a) => a.value).sort()).toEqual(['198.18.64.0/20', 'acme-grid.example']);
    expect(detail.contacts[0]?.is24x7).toBe(true);
    expect(detail.assetCount).toBe(2);
  });

  it('rejects a duplicate name regardless of case with 409', async () => {
    await post('/api/v1/organizations', { name: 'Dup Org', sector: 'energy', country: 'XX' });
    const res = await post('/api/v1/organizations', { name: 'DUP org', sector: 'energy', country: 'XX' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Err).error.code).toBe('organization.duplicate_name');
  });

  it('rejects an unknown sector and lists the allowed ones', async () => {
    const res = await post('/api/v1/organizations', { name: 'Nowhere', sector: 'underwater-basket-weaving', country: 'XX' });
    const body = (await res.json()) as Err;
    expect([res.status, body.error.code]).toEqual([400, 'organization.unknown_sector']);
    expect((body.error.details as { allowed: string[] }).allowed).toContain('energy');
  });

  it('names the field at fault on validation errors', async () => {
    const res = await post('/api/v1/organizations', { name: '', sector: 'energy', country: 'Narnia' });
    const body = (await res.json()) as { error: { code: string; details: { issues: { path: string }[] } } };
    expect([res.status, body.error.code]).toEqual([400, 'validation.failed']);
    expect(body.error.details.issues.map((i) => i.path).sort()).toEqual(['country', 'name']);
  });

  it.each([
    ['cidr', '198.18.0.0/33', 'asset.invalid_cidr'],
    ['cidr', '198.18.0.1/24', 'asset.cidr_host_bits'],
    ['cidr', '2001:db8::1/32', 'asset.cidr_host_bits'],
    ['cidr', 'not-an-ip', 'asset.invalid_cidr'],
    ['asn', 'AS99999999999', 'asset.invalid_asn'],
    ['domain', 'bad_domain..example', 'asset.invalid_domain'],
  ])('rejects %s "%s" with %s', async (type, value, code) => {
    const org = await t.createOrg(`Asset test ${type} ${value}`);
    const res = await post(`/api/v1/organizations/${org.id}/assets`, { type, value });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Err).error.code).toBe(code);
  });

  it('accepts overlapping ranges and flags them; the most specific wins in lookups', async () => {
    const isp = await t.createOrg('Overlap ISP');
    const customer = await t.createOrg('Overlap Customer');
    await post(`/api/v1/organizations/${isp.id}/assets`, { type: 'cidr', value: '198.19.128.0/17' });
    const res = await post(`/api/v1/organizations/${customer.id}/assets`, { type: 'cidr', value: '198.19.200.0/24' });
    expect(res.status).toBe(201);
    const { overlaps } = (await res.json()) as { overlaps: { organizationName: string; relation: string }[] };
    expect(overlaps).toEqual([expect.objectContaining({ organizationName: 'Overlap ISP', relation: 'contains' })]);
    const lookup = (await (await t.request('/api/v1/lookup?q=198.19.200.7', { as: analyst })).json()) as { isOverlapping: boolean; matches: { organization: { name: string } }[] };
    expect(lookup.isOverlapping).toBe(true);
    expect(lookup.matches.map((m) => m.organization.name)).toEqual(['Overlap Customer', 'Overlap ISP']);
  });

  it('reflects asset removal in the lookup at once', async () => {
    const org = await t.createOrg('Removal Org');
    const added = (await (await post(`/api/v1/organizations/${org.id}/assets`, { type: 'cidr', value: '2001:db8:beef::/48' })).json()) as { asset: { id: string } };
    expect(((await (await t.request('/api/v1/lookup?q=2001:db8:beef::1', { as: analyst })).json()) as { matches: unknown[] }).matches).toHaveLength(1);
    expect((await t.request(`/api/v1/organizations/${org.id}/assets/${added.asset.id}`, { method: 'DELETE', as: analyst })).status).toBe(204);
    expect(((await (await t.request('/api/v1/lookup?q=2001:db8:beef::1', { as: analyst })).json()) as { matches: unknown[] }).matches).toHaveLength(0);
  });

  it('treats SQL metacharacters in every filter as plain text', async () => {
    await t.createOrg("O'Brien % Sons_ Ltd");
    for (const q of ["'; drop table organizations; --", '%', '_', "O'Brien % Sons_", '\\']) {
      const res = await t.request(`/api/v1/organizations?q=${encodeURIComponent(q)}`, { as: analyst });
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: { name: string }[] };
      for (const item of items) expect(item.name.toLowerCase()).toContain(q.toLowerCase());
    }
    const bySector = await t.request(`/api/v1/organizations?sector=${encodeURIComponent("energy' or '1'='1")}`, { as: analyst });
    expect(((await bySector.json()) as { items: unknown[] }).items).toEqual([]);
    const lookup = await t.request(`/api/v1/lookup?q=${encodeURIComponent("1.2.3.4' or 1=1 --")}`, { as: analyst });
    expect([lookup.status, ((await lookup.json()) as Err).error.code]).toEqual([400, 'lookup.invalid_query']);
    expect((await t.request('/api/v1/organizations?cursor=%27%3B--', { as: analyst })).status).toBe(400);
  });

  it('pages with keyset cursors without gaps or repeats, filtered by sector and CII', async () => {
    for (let i = 0; i < 7; i++) await t.createOrg(`Page Bank ${i}`, { sector: 'banking', isCii: i % 2 === 0 });
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = (await (await t.request(`/api/v1/organizations?sector=banking&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { as: analyst })).json()) as { items: { name: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.name));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `Page Bank ${i}`));
    const cii = (await (await t.request('/api/v1/organizations?sector=banking&isCii=true', { as: analyst })).json()) as { items: unknown[] };
    expect(cii.items).toHaveLength(4);
  });

  it('returns 404 to a constituent reading another organization, and shows its own', async () => {
    const mine = await t.createOrg('Constituent Own');
    const other = await t.createOrg('Constituent Other');
    await post(`/api/v1/organizations/${other.id}/assets`, { type: 'cidr', value: '198.18.250.0/24' });
    const me = await t.signIn('constituent', { organizationId: mine.id });
    expect((await t.request(`/api/v1/organizations/${mine.id}`, { as: me })).status).toBe(200);
    const res = await t.request(`/api/v1/organizations/${other.id}`, { as: me });
    expect([res.status, ((await res.json()) as Err).error.code]).toEqual([404, 'organization.not_found']);
    const list = (await (await t.request('/api/v1/organizations?limit=500', { as: me })).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toEqual([mine.id]);
    const lookup = (await (await t.request('/api/v1/lookup?q=198.18.250.1', { as: me })).json()) as { matches: unknown[] };
    expect(lookup.matches).toEqual([]);
    expect((await post('/api/v1/organizations', { name: 'Sneaky', sector: 'energy', country: 'XX' }, me)).status).toBe(403);
  });

  it('scopes a center operator to the organizations its center serves', async () => {
    const served = await t.createOrg('Served By Center');
    const notServed = await t.createOrg('Not Served By Center');
    const center = (await (await post('/api/v1/centers', { name: 'Energy SOC' }, await t.signIn('admin'))).json()) as { id: string };
    await t.vigil.services.centers.setOrganizations(center.id, [served.id], { userId: null, label: 't' });
    const op = await t.signIn('center_operator', { centerId: center.id });
    expect((await t.request(`/api/v1/organizations/${served.id}`, { as: op })).status).toBe(200);
    expect((await t.request(`/api/v1/organizations/${notServed.id}`, { as: op })).status).toBe(404);
  });

  it('keeps partners away from the constituency', async () => {
    const partner = await t.signIn('partner');
    expect((await t.request('/api/v1/organizations', { as: partner })).status).toBe(403);
    expect((await t.request('/api/v1/lookup?q=198.18.0.1', { as: partner })).status).toBe(403);
  });

  it('audits every change with before and after', async () => {
    const org = await t.createOrg('Audited Org');
    await t.request(`/api/v1/organizations/${org.id}`, { method: 'PATCH', as: analyst, body: json({ sector: 'health' }) });
    const admin = await t.signIn('admin');
    const { items } = (await (await t.request(`/api/v1/audit?entityType=organization&entityId=${org.id}`, { as: admin })).json()) as { items: { action: string; before: { sector: string } | null; after: { sector: string } }[] };
    expect(items[0]).toMatchObject({ action: 'organization.updated', before: { sector: 'energy' }, after: { sector: 'health' } });
    expect(items.at(-1)?.action).toBe('organization.created');
  });
});
