import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { bundle, indicator, malware, relationship } from './intel.testing.ts';
import { TLP2_MARKING_IDS } from './tlp.ts';
import { schemaValidator } from './stix.schemas.ts';

let app: TestApp;
let analyst: Session;
let constituent: Session;
let operator: Session;

beforeAll(async () => {
  app = await createTestApp({ VIGIL_DEMO: '0', VIGIL_MAX_STIX_BUNDLE_BYTES: '20000' });
  analyst = await app.signIn('analyst');
  const org = await app.createOrg('Intel Org');
  constituent = await app.signIn('constituent', { organizationId: org.id });
  const center = await app.vigil.services.centers.create({ name: 'Intel SOC' } as never, { userId: null, label: 't' });
  operator = await app.signIn('center_operator', { centerId: center.id });
});
afterAll(() => app.close());

const post = (body: string, as: Session, type = 'application/json') => app.request('/api/v1/intel/bundles', { method: 'POST', as, body, headers: { 'content-type': type } });
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('POST /api/v1/intel/bundles', () => {
  it('imports a bundle, reports rejects per object and audits the bundle once', async () => {
    const good = malware();
    const b = bundle([good, { type: 'bogus', id: 'bogus--1' }]);
    const res = await post(JSON.stringify(b), analyst, 'application/stix+json;version=2.1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: unknown[]; rejected: { code: string }[] };
    expect(body.accepted).toHaveLength(1);
    expect(body.rejected.map((x) => x.code)).toEqual(['stix.unknown_type']);
    const audit = await app.request(`/api/v1/audit?entityType=stix_bundle&entityId=${b.id}`, { as: await app.signIn('admin') });
    const items = ((await audit.json()) as { items: { action: string; after: { counts: { accepted: number; rejected: number } } }[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ action: 'intel.bundle_imported', after: { counts: { accepted: 1, rejected: 1 } } });
  });

  it('answers bad input with stable codes', async () => {
    expect(await errorCode(await post('{not json', analyst))).toBe('stix.invalid_json');
    expect(await errorCode(await post('{"type":"report"}', analyst))).toBe('stix.not_a_bundle');
    const big = await post(JSON.stringify(bundle([malware({ description: 'x'.repeat(30_000) })])), analyst);
    expect(big.status).toBe(413);
    expect(await errorCode(big)).toBe('request.too_large');
    expect((await post('{}', analyst, 'text/plain')).status).toBe(415);
    expect(await errorCode(await post(JSON.stringify(bundle([])), constituent))).toBe('auth.forbidden');
  });
});

describe('reading intel', () => {
  it('filters by TLP per viewer, pages with a cursor, shows versions, graph and export', async () => {
    const green = malware({ name: 'route-green', object_marking_refs: [TLP2_MARKING_IDS.green] });
    const amber = malware({ name: 'route-amber', object_marking_refs: [TLP2_MARKING_IDS.amber] });
    const red = malware({ name: 'route-red', object_marking_refs: [TLP2_MARKING_IDS.red] });
    const ind = indicator("[ipv4-addr:value = '198.18.0.1']", { name: 'route-ind', object_marking_refs: [TLP2_MARKING_IDS.green] });
    const rel = relationship(ind.id as string, green.id as string, { object_marking_refs: [TLP2_MARKING_IDS.green] });
    expect((await post(JSON.stringify(bundle([green, amber, red, ind, rel])), analyst)).status).toBe(200);
    const names = async (as: Session) => ((await (await app.request('/api/v1/intel/objects?q=route-&limit=10', { as })).json()) as { items: { label: string }[] }).items.map((x) => x.label).sort();
    expect(await names(analyst)).toEqual(['route-amber', 'route-green', 'route-ind', 'route-red']);
    expect(await names(operator)).toEqual(['route-amber', 'route-green', 'route-ind']);
    expect(await names(constituent)).toEqual(['route-green', 'route-ind']);
    expect((await app.request(`/api/v1/intel/objects/${red.id}`, { as: operator })).status).toBe(404);

    const p1 = (await (await app.request('/api/v1/intel/objects?q=route-&limit=2', { as: analyst })).json()) as { items: unknown[]; nextCursor: string };
    const p2 = (await (await app.request(`/api/v1/intel/objects?q=route-&limit=2&cursor=${p1.nextCursor}`, { as: analyst })).json()) as { items: unknown[]; nextCursor: string | null };
    expect([p1.items.length, p2.items.length, p2.nextCursor]).toEqual([2, 2, null]);
    expect(await errorCode(await app.request('/api/v1/intel/objects?cursor=tampered', { as: analyst }))).toBe('pagination.invalid_cursor');

    const detail = (await (await app.request(`/api/v1/intel/objects/${green.id}`, { as: constituent })).json()) as { current: { tlp: string }; versions: unknown[] };
    expect(detail.current.tlp).toBe('green');
    expect(detail.versions).toHaveLength(1);
    const graph = (await (await app.request(`/api/v1/intel/objects/${green.id}/relationships`, { as: constituent })).json()) as { edges: { id: string }[]; objects: { id: string }[] };
    expect(graph.edges.map((e) => e.id)).toEqual([rel.id]);
    expect(graph.objects.map((o) => o.id)).toContain(ind.id);

    const exp = (await (await app.request('/api/v1/intel/export?q=route-', { as: constituent })).json()) as { objects: { id: string; type: string }[] };
    expect(schemaValidator('common/bundle.json')(exp)).toBe(true);
    expect(exp.objects.map((o) => o.id)).not.toContain(amber.id);
    expect(exp.objects.filter((o) => o.type === 'marking-definition').map((o) => o.id)).toEqual([TLP2_MARKING_IDS.green]);
  });

  it('shows where an indicator was seen and what an incident matches (CERT staff)', async () => {
    const res = await app.request('/api/v1/incidents', { method: 'POST', as: analyst, body: JSON.stringify({ title: 'c', severity: 'low', rsitTaxonomy: 'fraud', rsitType: 'phishing', observables: [{ type: 'domain', value: 'login.phish.example' }] }) });
    const incident = ((await res.json()) as { id: string }).id;
    const ind = indicator("[domain-name:value = 'phish.example']", { object_marking_refs: [TLP2_MARKING_IDS.green] });
    await post(JSON.stringify(bundle([ind])), analyst);
    const s = (await (await app.request(`/api/v1/intel/objects/${ind.id}/sightings`, { as: analyst })).json()) as { incidents: { total: number; samples: { targetId: string; match: string }[] } };
    expect(s.incidents).toMatchObject({ total: 1, samples: [{ targetId: incident, match: 'domain' }] });
    const hidden = (await (await app.request(`/api/v1/intel/objects/${ind.id}/sightings`, { as: constituent })).json()) as { incidents: { total: number } };
    expect(hidden.incidents.total).toBe(0);
    const m = (await (await app.request(`/api/v1/intel/matches?incident=${incident}`, { as: analyst })).json()) as { items: { objectId: string }[] };
    expect(m.items.map((x) => x.objectId)).toEqual([ind.id]);
    expect((await app.request(`/api/v1/intel/matches?incident=${incident}`, { as: constituent })).status).toBe(403);
  });
});
