import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { bundle, identity, indicator, malware, relationship, T0 } from './intel.testing.ts';
import { schemaValidator } from './stix.schemas.ts';
import { toBundle } from './stix.export.ts';
import { TLP2_MARKING_IDS } from './tlp.ts';
import { deterministicId } from './stix.ids.ts';
import { createIntelService } from './intel.service.ts';
import { createIntelRepository } from './intel.repository.ts';
import { createCorrelateRepository } from './correlate.repository.ts';
import { systemClock } from '../../platform/clock.ts';

let app: TestApp;
let analyst: Session;
const intel = () => app.vigil.services.intel;
const opts = { source: 'local', actor: SYSTEM_ACTOR };

beforeAll(async () => {
  app = await createTestApp({ VIGIL_DEMO: '0' });
  analyst = await app.signIn('analyst');
});
afterAll(() => app.close());

async function openIncident(observables: { type: string; value: string }[]): Promise<string> {
  const res = await app.request('/api/v1/incidents', { method: 'POST', as: analyst, body: JSON.stringify({ title: 'case', severity: 'high', rsitTaxonomy: 'fraud', rsitType: 'phishing', observables }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('the STIX store', () => {
  it('keeps every version, reports a known version as a duplicate, and stamps the true insertion time', async () => {
    const v1 = malware();
    const v2 = { ...v1, modified: '2024-02-01T00:00:00.000Z', description: 'second' };
    const first = await intel().importBundle(bundle([v1]), opts);
    expect(first.accepted).toEqual([{ id: v1.id, modified: '2024-01-02T03:04:05.000000Z' }]);
    const again = await intel().importBundle(bundle([v1, v2]), opts);
    expect(again.accepted.map((a) => a.modified)).toEqual(['2024-02-01T00:00:00.000000Z']);
    expect(again.duplicates).toEqual([{ id: v1.id, modified: '2024-01-02T03:04:05.000000Z' }]);
    expect(again.rejected).toEqual([]);
    const versions = await intel().getVersions(v1.id as string);
    expect(versions.map((v) => (v.object as { description?: string }).description ?? null)).toEqual([null, 'second']);
    expect(versions[1]!.seq).toBeGreaterThan(versions[0]!.seq);
    expect(versions[1]!.date_added.getTime()).toBeGreaterThanOrEqual(versions[0]!.date_added.getTime());
    expect(versions[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const last = await intel().listObjects({ ids: [v1.id as string], versions: ['last'], limit: 10 });
    const firstV = await intel().listObjects({ ids: [v1.id as string], versions: ['first'], limit: 10 });
    const at = await intel().listObjects({ ids: [v1.id as string], versions: ['2024-02-01T00:00:00.000Z'], limit: 10 });
    expect([last.length, firstV.length, at.length]).toEqual([1, 1, 1]);
    expect(last[0]!.seq).toBe(versions[1]!.seq);
    expect(firstV[0]!.seq).toBe(versions[0]!.seq);
  });

  it('keeps `superseded` true on every version but the newest: several in a bundle, out of order, after deletion', async () => {
    const base: Record<string, unknown> = malware();
    const id = base.id as string;
    const at = (day: string) => ({ ...base, modified: `2024-03-${day}T00:00:00.000Z` });
    const flags = async () =>
      (await app.database.db.selectFrom('stix_objects').select(['modified', 'superseded']).where('id', '=', id).orderBy('modified').execute()).map((r) => [r.modified.toISOString().slice(8, 10), r.superseded]);
    await intel().importBundle(bundle([at('10')]), opts);
    expect(await flags()).toEqual([['10', false]]);
    await intel().importBundle(bundle([at('12'), at('11')]), opts);
    expect(await flags()).toEqual([['10', true], ['11', true], ['12', false]]);
    await intel().importBundle(bundle([at('05')]), opts);
    expect(await flags()).toEqual([['05', true], ['10', true], ['11', true], ['12', false]]);
    const last = await intel().listObjects({ ids: [id], versions: ['last'], limit: 10 });
    expect(last.map((r) => r.modified.toISOString())).toEqual(['2024-03-12T00:00:00.000Z']);
    await intel().deleteVersions({ id, versions: ['2024-03-12T00:00:00.000Z'], source: 'local' }, SYSTEM_ACTOR);
    expect(await flags()).toEqual([['05', true], ['10', true], ['11', false]]);
  });

  it('audits an import by the range of versions it stored, with a digest the store reproduces', async () => {
    const known = malware();
    await intel().importBundle(bundle([known]), opts);
    const objects = [known, malware(), indicator("[ipv4-addr:value = '203.0.113.90']"), { ...known, modified: '2024-03-01T00:00:00.000Z' }];
    const b = bundle(objects);
    const r = await intel().importBundle(b, opts);
    expect(r.accepted).toHaveLength(3);
    const entry = await app.database.db.selectFrom('audit_log').select('after').where('action', '=', 'intel.bundle_imported').where('entity_id', '=', b.id as string).executeTakeFirstOrThrow();
    const stored = (entry.after as { stored: { seqFrom: number; seqTo: number; versions: number; sha256: string } }).stored;
    expect(stored).toMatchObject({ versions: 3 });
    expect(stored.seqTo - stored.seqFrom + 1).toBe(3);
    const { rows } = await sql<{ line: string }>`select id || '@' || to_char(modified at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as line
      from stix_objects where seq between ${stored.seqFrom} and ${stored.seqTo}`.execute(app.database.db);
    const lines = rows.map((x) => x.line).sort();
    expect(lines).toEqual(r.accepted.map((a) => `${a.id}@${a.modified}`).sort());
    expect(createHash('sha256').update(lines.join('\n')).digest('hex')).toBe(stored.sha256);
    // Nothing new: no range.
    const b2 = bundle(objects);
    expect((await intel().importBundle(b2, opts)).accepted).toEqual([]);
    const entry2 = await app.database.db.selectFrom('audit_log').select('after').where('action', '=', 'intel.bundle_imported').where('entity_id', '=', b2.id as string).executeTakeFirstOrThrow();
    expect(entry2.after).toMatchObject({ stored: null, counts: { accepted: 0, duplicates: 4 } });
  });

  it('stores each version once when overlapping bundles are imported at once (rows go in by COPY, under the imports lock)', async () => {
    const [m, i] = [malware(), indicator("[ipv4-addr:value = '203.0.113.77']")];
    const shared = [m, i, { type: 'ipv4-addr', spec_version: '2.1', value: '203.0.113.78' }, relationship(i.id as string, m.id as string)];
    const bundles = [0, 1, 2, 3].map(() => bundle([...shared, malware()]));
    const results = await Promise.all(bundles.map((b) => intel().importBundle(b, opts)));
    const versions = results.flatMap((r) => r.accepted.map((a) => `${a.id}@${a.modified}`));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toHaveLength(4 + 4);
    expect(results.map((r) => r.accepted.length + r.duplicates.length)).toEqual([5, 5, 5, 5]);
    const ids = [...new Set(results.flatMap((r) => r.accepted.map((a) => a.id)))];
    const { rows } = await sql<{ n: number; obs: number; edges: number }>`
      select (select count(*)::int from stix_objects where id = any(${ids}::text[])) as n,
             (select count(*)::int from intel_observables where object_id = any(${ids}::text[])) as obs,
             (select count(*)::int from stix_edges where id = any(${ids}::text[])) as edges`.execute(app.database.db);
    expect(rows[0]).toEqual({ n: 8, obs: 2, edges: 1 });
  });

  it('stores normalized TLP, rejects forged markings and makes what they mark RED', async () => {
    const forged = { type: 'marking-definition', spec_version: '2.1', id: `marking-definition--${crypto.randomUUID()}`, created: T0, name: 'TLP:CLEAR', definition_type: 'statement', definition: { statement: 'TLP:CLEAR' } };
    const a = malware({ object_marking_refs: ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da'] });
    const b = malware({ object_marking_refs: [forged.id] });
    const c = malware();
    const oasisGreen = { type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', created: '2017-01-20T00:00:00.000Z', definition_type: 'tlp', name: 'TLP:GREEN', definition: { tlp: 'green' } };
    const r = await intel().importBundle(bundle([oasisGreen, forged, a, b, c]), opts);
    expect(r.rejected).toEqual([{ id: forged.id, code: 'stix.forged_marking', reason: expect.any(String) }]);
    const rows = await intel().listObjects({ ids: [a.id, b.id, c.id] as string[], limit: 10 });
    const tlp = Object.fromEntries(rows.map((x) => [x.id, [x.tlp, (x.object as { object_marking_refs: string[] }).object_marking_refs]]));
    expect(tlp[a.id as string]).toEqual(['green', [TLP2_MARKING_IDS.green]]);
    expect(tlp[b.id as string]).toEqual(['red', [TLP2_MARKING_IDS.red]]);
    expect(tlp[c.id as string]).toEqual(['amber', [TLP2_MARKING_IDS.amber]]);
    const visible = await intel().listObjects({ ids: [a.id, b.id, c.id] as string[], tlpAllowed: ['clear', 'green'], limit: 10 });
    expect(visible.map((x) => x.id)).toEqual([a.id]);
  });

  it('warns about dangling references and stores relationships as edges', async () => {
    const m = malware();
    const i = indicator("[domain-name:value = 'edge.example']");
    const missing = `identity--${crypto.randomUUID()}`;
    const rel = relationship(i.id as string, m.id as string, { created_by_ref: missing });
    const r = await intel().importBundle(bundle([m, i, rel]), opts);
    expect(r.accepted).toHaveLength(3);
    expect(r.warnings).toContainEqual({ id: rel.id, code: 'stix.dangling_ref', reason: expect.stringContaining(missing) });
    const edges = await intel().relationshipsOf(m.id as string, 10);
    expect(edges).toEqual([{ id: rel.id, source_ref: i.id, target_ref: m.id, relationship_type: 'indicates' }]);
  });

  it('exports bundles that validate against the OASIS bundle schema, with TLP 2.0 definitions', async () => {
    const who = identity();
    const objs = [who, malware({ created_by_ref: who.id, object_marking_refs: [TLP2_MARKING_IDS.green] }), indicator("[ipv4-addr:value = '203.0.113.9']"), { type: 'ipv4-addr', spec_version: '2.1', value: '203.0.113.9' }];
    await intel().importBundle(bundle(objs), opts);
    const ids = [who.id as string, objs[1]!.id as string, objs[2]!.id as string, deterministicId(objs[3]!)!];
    const rows = await intel().listObjects({ ids, limit: 10 });
    const out = toBundle(rows.map((x) => x.object as Record<string, unknown>));
    const validate = schemaValidator('common/bundle.json');
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    expect(out.objects.filter((o) => o.type === 'marking-definition').map((o) => o.id).sort()).toEqual([TLP2_MARKING_IDS.amber, TLP2_MARKING_IDS.green].sort());
    expect(out.objects).toHaveLength(6);
  });
});

describe('correlation', () => {
  it('matches exact values, addresses in ranges and domains under domains, stored on insert', async () => {
    const inc = await openIncident([{ type: 'ipv4', value: '198.51.100.77' }, { type: 'domain', value: 'www.corr.example' }, { type: 'sha256', value: 'a'.repeat(64) }]);
    const exact = indicator(`[file:hashes.'SHA-256' = '${'A'.repeat(64)}']`);
    const range = indicator("[ipv4-addr:value = '198.51.100.0/24']");
    const dom = indicator("[domain-name:value = 'corr.example']");
    const none = indicator("[domain-name:value = 'other.example']");
    const r = await intel().importBundle(bundle([exact, range, dom, none]), opts);
    expect(r.correlations.incidents).toBe(3);
    const kinds = async (id: unknown) => (await intel().sightingsOf(id as string)).samples.map((s) => [s.target_id, s.match]);
    expect(await kinds(exact.id)).toEqual([[inc, 'exact']]);
    expect(await kinds(range.id)).toEqual([[inc, 'range']]);
    expect(await kinds(dom.id)).toEqual([[inc, 'domain']]);
    expect(await kinds(none.id)).toEqual([]);
    const live = await intel().matchesOfIncident(inc, undefined, 100);
    expect(live.map((m) => m.object_id).sort()).toEqual([exact.id, range.id, dom.id].sort());
  });

  it('caps what it stores for an over-correlating indicator and keeps the count', async () => {
    const incs = [];
    for (let k = 0; k < 4; k++) incs.push(await openIncident([{ type: 'ipv4', value: `192.0.2.${k + 10}` }]));
    const wide = indicator("[ipv4-addr:value = '192.0.2.0/24']");
    const small = createCapped();
    const r = await small.importBundle(bundle([wide]), opts);
    expect(r.correlations.overCorrelated).toEqual([wide.id]);
    const s = await small.sightingsOf(wide.id as string);
    expect(s.samples).toHaveLength(2);
    expect(s.counts).toEqual([expect.objectContaining({ target_kind: 'incident', total: 4, is_over: true })]);
  });

  it('correlates with pipeline events when the events table exists', async () => {
    const { rows } = await sql<{ ok: boolean }>`select to_regclass('events') is not null as ok`.execute(app.database.db);
    if (!rows[0]?.ok) return;
    const feed = crypto.randomUUID();
    await sql`insert into events (time_observation, feed_id, report_id, line_no, classification_taxonomy, classification_type, source_ip, source_fqdn, source_url, tlp, dedup_key, data)
      values (now(), ${feed}, ${feed}, 1, 'malicious-code', 'c2-server', '203.0.113.200', 'c2.evt.example', 'http://c2.evt.example/gate.php', 'amber', 'k1', '{}')`.execute(app.database.db);
    const ip = indicator("[ipv4-addr:value = '203.0.113.0/25' OR ipv4-addr:value = '203.0.113.200']");
    const dom = indicator("[domain-name:value = 'evt.example'] OR [url:value = 'http://c2.evt.example/gate.php']");
    await intel().importBundle(bundle([ip, dom]), opts);
    const matches = async (id: unknown) => (await intel().sightingsOf(id as string)).samples.filter((s) => s.target_kind === 'event').map((s) => s.match).sort();
    expect(await matches(ip.id)).toEqual(['exact']);
    expect(await matches(dom.id)).toEqual(['domain', 'exact']);
  });
});

/** The same service with N = 2. */
function createCapped() {
  return createIntelService({ db: app.database.db, audit: app.vigil.services.audit, clock: systemClock, repo: createIntelRepository(), correlate: createCorrelateRepository(), defaultTlp: 'amber', correlationCap: 2 });
}
