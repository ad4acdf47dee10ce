import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.ts';
import { canonicalJson, SYSTEM_ACTOR } from '../audit/index.ts';
import { bundle, indicator, malware, relationship, T0 } from './intel.testing.ts';
import { canonicalStix } from './stix.canonical.ts';
import { newestOfRevised } from './intel.service.ts';
import { createObservablesRepository } from './observables.repository.ts';

let app: TestApp;
const intel = () => app.vigil.services.intel;
const opts = { source: 'local', actor: SYSTEM_ACTOR };
const observables = async (id: unknown) => (await createObservablesRepository().listOf(app.database.db, id as string, 10)).map((o) => o.value);

beforeAll(async () => {
  app = await createTestApp({ VIGIL_DEMO: '0' });
});
afterAll(() => app.close());

describe('bundle import: versions, observables and edges', () => {
  it('replaces observables for a newer version only, keeps edges once, reports known versions as duplicates', async () => {
    const m = malware();
    const v1 = indicator("[ipv4-addr:value = '192.0.2.1']");
    const rel = relationship(v1.id as string, m.id as string);
    await intel().importBundle(bundle([m, v1, rel]), opts);
    expect(await observables(v1.id)).toEqual(['192.0.2.1']);

    const v3 = { ...v1, modified: '2024-03-01T00:00:00.000Z', pattern: "[ipv4-addr:value = '192.0.2.3']" };
    const v2 = { ...v1, modified: '2024-02-01T00:00:00.000Z', pattern: "[ipv4-addr:value = '192.0.2.2']" };
    const rel2 = { ...rel, modified: '2024-02-01T00:00:00.000Z', description: 'again' };
    const r = await intel().importBundle(bundle([v3, v2, v1, rel2]), opts);
    expect(r.accepted.map((a) => a.modified).sort()).toEqual(['2024-02-01T00:00:00.000000Z', '2024-02-01T00:00:00.000000Z', '2024-03-01T00:00:00.000000Z']);
    expect(r.duplicates).toEqual([{ id: v1.id, modified: '2024-01-02T03:04:05.000000Z' }]);
    expect(await observables(v1.id)).toEqual(['192.0.2.3']);
    expect(await intel().relationshipsOf(m.id as string, 10)).toEqual([{ id: rel.id, source_ref: v1.id, target_ref: m.id, relationship_type: 'indicates' }]);

    // An older version arriving late is stored, but the observables stay those of the latest.
    const old = { ...v1, modified: '2024-01-15T00:00:00.000Z', pattern: "[ipv4-addr:value = '192.0.2.9']" };
    const late = await intel().importBundle(bundle([old]), opts);
    expect(late.accepted).toEqual([{ id: v1.id, modified: '2024-01-15T00:00:00.000000Z' }]);
    expect(await observables(v1.id)).toEqual(['192.0.2.3']);
    expect((await intel().getVersions(v1.id as string)).map((v) => v.modified.toISOString())).toEqual([
      '2024-01-02T03:04:05.000Z', '2024-01-15T00:00:00.000Z', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z',
    ]);
  });

  it('stores a sighting seen twice at the same place as one edge', async () => {
    const m = malware();
    const where = `identity--${randomUUID()}`;
    const s = { type: 'sighting', spec_version: '2.1', id: `sighting--${randomUUID()}`, created: T0, modified: T0, sighting_of_ref: m.id, where_sighted_refs: [where, where] };
    const r = await intel().importBundle(bundle([m, s]), opts);
    expect(r.accepted).toHaveLength(2);
    expect(await intel().relationshipsOf(where, 10)).toEqual([{ id: s.id, source_ref: m.id, target_ref: where, relationship_type: 'sighted' }]);
  });

  it('takes a time with more than microseconds as the engine reads it (rounded)', async () => {
    const m = malware({ created: '2024-01-01T00:00:00.1234567Z', modified: '2024-01-02T00:00:00.9999999Z' });
    const r = await intel().importBundle(bundle([m]), opts);
    expect(r.accepted).toEqual([{ id: m.id, modified: '2024-01-02T00:00:00.999999Z' }]);
    const { rows } = await sql<{ created: string; modified: string }>`select to_char(created at time zone 'UTC', 'HH24:MI:SS.US') as created, to_char(modified at time zone 'UTC', 'HH24:MI:SS.US') as modified
      from stix_objects where id = ${m.id as string}`.execute(app.database.db);
    expect(rows).toEqual([{ created: '00:00:00.123457', modified: '00:00:00.999999' }]);
    expect((await intel().importBundle(bundle([m]), opts)).duplicates).toEqual([{ id: m.id, modified: '2024-01-02T00:00:00.999999Z' }]);
  });

  it('hashes the canonical JSON of what it stores', async () => {
    const m = malware({ description: 'é "q"', external_references: [{ url: 'http://x.example/', source_name: 'x' }] });
    await intel().importBundle(bundle([m]), opts);
    const [stored] = await intel().getVersions(m.id as string);
    expect(stored!.sha256).toBe(createHash('sha256').update(canonicalJson(stored!.object)).digest('hex'));
  });
});

describe('canonicalStix', () => {
  it('writes exactly what the audit canonical JSON writes', () => {
    const values: unknown[] = [
      { type: 'x', b: [{ z: 1, a: 'é\u2028"\\' }], a: null, c: undefined, d: () => 1, e: Symbol('s') },
      { '10': 1, '2': 2, b: 1, a: { '01': 1, '1': 2 } },
      { at: new Date(0), nested: { toJSON: () => ({ b: 1, a: 2 }) } },
      [1, undefined, () => 1, -0, NaN, 1e21, 'x'],
      // eslint-disable-next-line no-sparse-arrays
      { sparse: [1, , 3] },
      JSON.parse('{"__proto__": {"b": 1, "a": 2}, "z": 1}'),
      Object.assign(Object.create(null) as object, { b: 1, a: 2 }),
      'text', 3, null, undefined,
    ];
    for (const v of values) expect(canonicalStix(v)).toBe(canonicalJson(v));
  });
});

describe('newestOfRevised', () => {
  it('names the ids with more than one version now stored, with the newest; none for ids stored once', () => {
    const v = (d: string) => `2024-01-${d}T00:00:00.000000Z`;
    const inserted = [
      { id: 'a', modified: v('02') },
      { id: 'b', modified: v('05') },
      { id: 'b', modified: v('03') },
      { id: 'c', modified: v('01') },
      { id: 'd', modified: v('09') },
    ];
    const stored = new Map([
      ['c', [v('04'), v('02')]],
      ['d', [v('01')]],
    ]);
    expect(Object.fromEntries(newestOfRevised(inserted, stored))).toEqual({ b: v('05'), c: v('04'), d: v('09') });
    expect(newestOfRevised([{ id: 'x', modified: v('01') }], new Map()).size).toBe(0);
  });
});
