import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { bundle, indicator } from './intel.testing.ts';
import { TLP2_MARKING_IDS } from './tlp.ts';

type Seen = { total: number; overCorrelated: boolean; samples: { targetId: string; kind: string; value: string; matched: string; match: string }[] };
type Sightings = { incidents: Seen; events: Seen };
const base = { severity: 'high', rsitTaxonomy: 'malicious-code', rsitType: 'infected-system', tlp: 'amber', description: 'Seen on a host' };
const green = { object_marking_refs: [TLP2_MARKING_IDS.green] };
let seq = 0;

describe(`correlation of new incidents and events with stored intel (${testEngine()})`, () => {
  let t: TestApp;
  let analyst: Session;
  let center: Session;
  let org: { id: string };
  beforeAll(async () => {
    t = await createTestApp({ VIGIL_DEMO: '0' });
    analyst = await t.signIn('analyst');
    org = await t.createOrg('Correlated Org');
    const c = await t.vigil.services.centers.create({ name: 'Correlation SOC' } as never, { userId: null, label: 't' });
    await t.vigil.services.centers.setOrganizations(c.id, [org.id], { userId: null, label: 't' });
    center = await t.signIn('center_operator', { centerId: c.id });
  });
  afterAll(async () => t.close());

  const importIndicator = async (pattern: string) => {
    const ind = indicator(pattern, green);
    const res = await t.request('/api/v1/intel/bundles', { method: 'POST', as: analyst, body: JSON.stringify(bundle([ind])) });
    expect(res.status).toBe(200);
    return ind.id as string;
  };
  const sightings = async (id: string) => {
    const res = await t.request(`/api/v1/intel/objects/${id}/sightings`, { as: analyst });
    expect(res.status).toBe(200);
    return (await res.json()) as Sightings;
  };
  const createIncident = async (observables: { type: string; value: string }[]) => {
    const res = await t.request('/api/v1/incidents', { method: 'POST', as: analyst, body: JSON.stringify({ title: `Case ${++seq}`, ...base, observables }) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; version: number };
  };
  const note = (observables: { type: string; value: string }[], externalId = `C-${++seq}`) => ({ externalId, organizationId: org.id, detectedAt: new Date(Date.now() - 600_000).toISOString(), ...base, observables });
  const batch = async (items: unknown[]) => {
    const res = await t.request('/api/v1/center-notifications/batch', { method: 'POST', as: center, body: JSON.stringify({ items }) });
    expect(res.status).toBe(200);
    const out = ((await res.json()) as { items: { outcome: string; incident: { id: string }; error?: unknown }[] }).items;
    expect(out.filter((x) => x.outcome === 'rejected')).toEqual([]);
    return out;
  };

  it('shows an incident created after the indicator: same IP, host under its domain, IP inside its range', async () => {
    const ip = await importIndicator("[ipv4-addr:value = '203.0.113.77']");
    const domain = await importIndicator("[domain-name:value = 'badsite.example']");
    const range = await importIndicator("[ipv4-addr:value = '198.51.100.0/24'] OR [ipv6-addr:value = '2001:db8:77::/48']");
    const a = await createIncident([{ type: 'ipv4', value: '203.0.113.77' }, { type: 'domain', value: 'unrelated.example' }]);
    const b = await createIncident([{ type: 'domain', value: 'cdn.login.badsite.example' }]);
    const c = await createIncident([{ type: 'ipv4', value: '198.51.100.42' }, { type: 'ipv6', value: '2001:db8:77::5' }]);
    expect((await sightings(ip)).incidents).toEqual({ total: 1, overCorrelated: false, samples: [{ targetId: a.id, kind: 'ipv4', value: '203.0.113.77', matched: '203.0.113.77', match: 'exact' }] });
    expect((await sightings(domain)).incidents.samples).toEqual([{ targetId: b.id, kind: 'domain', value: 'badsite.example', matched: 'cdn.login.badsite.example', match: 'domain' }]);
    const r = (await sightings(range)).incidents;
    expect(r.total).toBe(1);
    expect(r.samples.map((s) => [s.targetId, s.kind, s.matched, s.match]).sort()).toEqual([
      [c.id, 'ipv4', '198.51.100.42', 'range'],
      [c.id, 'ipv6', '2001:db8:77::5', 'range'],
    ]);
    // The incident shows the intelligence it matches.
    const m = (await (await t.request(`/api/v1/intel/matches?incident=${c.id}`, { as: analyst })).json()) as { items: { objectId: string }[] };
    expect(m.items.map((x) => x.objectId)).toContain(range);
    // Nothing for a neighbour outside the range nor for a look-alike domain.
    await createIncident([{ type: 'ipv4', value: '198.51.101.1' }, { type: 'domain', value: 'notbadsite.example' }]);
    expect((await sightings(range)).incidents.total).toBe(1);
    expect((await sightings(domain)).incidents.total).toBe(1);
  });

  it('correlates center notifications (single and batch updates), merges and incidents from reports', async () => {
    const id = await importIndicator("[domain-name:value = 'c2.intake.example']");
    const single = (await (await t.request('/api/v1/center-notifications', { method: 'POST', as: center, body: JSON.stringify(note([{ type: 'domain', value: 'c2.intake.example' }])) })).json()) as { incident: { id: string } };
    const later = note([]);
    const [created] = await batch([later]);
    await batch([{ ...later, observables: [{ type: 'domain', value: 'x.c2.intake.example' }] }]);
    const target = await createIncident([]);
    const source = await createIncident([{ type: 'domain', value: 'y.c2.intake.example' }]);
    const merged = await t.request(`/api/v1/incidents/${source.id}/merge`, { method: 'POST', as: analyst, body: JSON.stringify({ into: target.id, version: source.version }) });
    expect(merged.status).toBe(200);
    const reportId = randomUUID();
    const now = new Date();
    await t.database.db.insertInto('reports').values({
      id: reportId, tracking_code: `VR-${reportId.slice(0, 4).toUpperCase()}-TEST`, secret_hash: 'x', category: 'phishing', rsit_taxonomy: 'fraud', rsit_type: 'phishing',
      description: 'Phishing', contact_name: null, contact_email: null, contact_phone: null, observables: JSON.stringify([{ type: 'url', value: 'https://c2.intake.example/x', source: 'given' }, { type: 'domain', value: 'c2.intake.example', source: 'extracted' }]),
      status: 'received', public_status_note: null, client_ip_hash: 'h', user_agent: null, created_at: now, updated_at: now, incident_id: null,
    }).execute();
    const fromReport = await t.request(`/api/v1/reports/${reportId}/incident`, { method: 'POST', as: analyst, body: JSON.stringify({ severity: 'high', organizationId: org.id }) });
    expect(fromReport.status).toBe(201);
    const reported = (await fromReport.json()) as { id: string };
    const s = (await sightings(id)).incidents;
    expect(s.samples.map((x) => x.targetId).sort()).toEqual([single.incident.id, created!.incident.id, source.id, target.id, reported.id].sort());
    expect(s.total).toBe(5);
  });

  it('keeps at most 50 samples, the true total and the over-correlated flag; an incident is counted once', async () => {
    const id = await importIndicator("[ipv4-addr:value = '192.0.2.0/24']");
    const items = Array.from({ length: 53 }, (_, i) => note([{ type: 'ipv4', value: `192.0.2.${i + 1}` }]));
    const done = await batch(items);
    let s = (await sightings(id)).incidents;
    expect([s.total, s.overCorrelated, new Set(s.samples.map((x) => x.targetId)).size]).toEqual([53, true, 50]);
    const sampled = new Set(s.samples.map((x) => x.targetId));
    // An unsampled incident gaining another matching address is not counted again; a new one is.
    const unsampledIndex = done.findIndex((d) => !sampled.has(d.incident.id));
    await batch([{ ...items[unsampledIndex]!, observables: [{ type: 'ipv4', value: '192.0.2.200' }] }]);
    await createIncident([{ type: 'ipv4', value: '192.0.2.201' }, { type: 'ipv4', value: '192.0.2.202' }]);
    s = (await sightings(id)).incidents;
    expect([s.total, s.overCorrelated, new Set(s.samples.map((x) => x.targetId)).size]).toEqual([54, true, 50]);
  });

  it('correlates stored pipeline events (the function the pipeline calls) and ignores deleted intel', async () => {
    const id = await importIndicator("[url:value = 'http://evil.events.example/payload'] OR [domain-name:value = 'events.example']");
    const intel = t.vigil.services.intel;
    const r = await t.database.db.transaction().execute((tx) => intel.correlateEvents(tx, [
      { id: 9_000_001, sourceIp: '198.18.1.1', sourceFqdn: 'A.Events.Example.', sourceUrl: null },
      { id: 9_000_002, sourceIp: null, sourceFqdn: null, sourceUrl: 'http://evil.events.example/payload' },
      { id: 9_000_003, sourceIp: '198.18.1.2', sourceFqdn: 'other.example', sourceUrl: null },
    ]));
    expect(r.objects).toBe(1);
    const ev = (await sightings(id)).events;
    expect(ev.total).toBe(2);
    expect(ev.samples.map((x) => [x.targetId, x.kind, x.matched, x.match]).sort()).toEqual([
      ['9000001', 'domain', 'a.events.example', 'domain'],
      ['9000002', 'url', 'http://evil.events.example/payload', 'exact'],
    ]);
    const gone = await importIndicator("[ipv4-addr:value = '198.18.9.9']");
    await intel.deleteVersions({ id: gone, source: 'local' }, { userId: null, label: 't' });
    const inc = await createIncident([{ type: 'ipv4', value: '198.18.9.9' }]);
    const rows = await t.database.db.selectFrom('intel_correlations').select('object_id').where('target_id', '=', inc.id).execute();
    expect(rows).toEqual([]);
  });

  it('correlates a chunk of events and resolves the ids of the matching ones only', async () => {
    const id = await importIndicator("[ipv4-addr:value = '198.18.44.0/24']");
    const asked: number[][] = [];
    const resolve = async (positions: number[]) => {
      asked.push(positions);
      return positions.map((p) => (p === 3 ? null : String(8_000_000 + p)));
    };
    const chunk = [
      { sourceIp: '198.18.43.1', sourceFqdn: null, sourceUrl: null },
      { sourceIp: '198.18.44.7', sourceFqdn: null, sourceUrl: null },
      { sourceIp: null, sourceFqdn: 'quiet.example', sourceUrl: null },
      { sourceIp: '198.18.44.9', sourceFqdn: null, sourceUrl: null },
    ];
    const r = await t.database.db.transaction().execute((tx) => t.vigil.services.intel.correlateChunk(tx, chunk, resolve));
    expect(asked).toEqual([[1, 3]]);
    expect(r.objects).toBe(1);
    const ev = (await sightings(id)).events;
    expect(ev.samples.map((x) => [x.targetId, x.matched, x.match])).toEqual([['8000001', '198.18.44.7', 'range']]);
    const quiet = await t.database.db.transaction().execute((tx) => t.vigil.services.intel.correlateChunk(tx, [chunk[0]!, chunk[2]!], resolve));
    expect(quiet.objects).toBe(0);
    expect(asked).toHaveLength(1);
  });

  it('adds little to a batch of 500 notifications that match no intel', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => indicator(`[ipv4-addr:value = '100.${64 + (i >> 8)}.${i & 255}.1']`, green));
    expect((await t.request('/api/v1/intel/bundles', { method: 'POST', as: analyst, body: JSON.stringify(bundle(many)) })).status).toBe(200);
    const items = () => Array.from({ length: 500 }, (_, i) => note([{ type: 'ipv4', value: `10.9.${i >> 8}.${i & 255}` }, { type: 'domain', value: `host${i}.quiet.example` }]));
    await batch(items()); // warm-up
    const started = performance.now();
    const done = await batch(items());
    const batchMs = performance.now() - started;
    expect(done.every((d) => d.outcome === 'created')).toBe(true);
    const ids = done.map((d) => d.incident.id);
    const list = items().map((n, i) => ({ id: ids[i]!, observables: n.observables }));
    const t0 = performance.now();
    const r = await t.database.db.transaction().execute((tx) => t.vigil.services.intel.correlateIncidents(tx, list));
    const correlateMs = performance.now() - t0;
    expect(r.objects).toBe(0);
    console.log(`[${testEngine()}] batch of 500 notifications: ${batchMs.toFixed(1)} ms; correlation of its 1000 observables against 2000+ indicators: ${correlateMs.toFixed(2)} ms`);
    expect(correlateMs).toBeLessThan(Math.max(50, batchMs / 10));
  });
});
