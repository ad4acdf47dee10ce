import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { indicator, taxiiWorld, type TaxiiWorld } from './taxii.testing.ts';

const TAXII = 'application/taxii+json;version=2.1';

describe(`TAXII DELETE of an object through the intel service (${testEngine()})`, () => {
  let w: TaxiiWorld;
  const objectUrl = (id: string, query = '') => `${w.url}/taxii2/api/collections/${w.collectionId}/objects/${id}/${query}`;
  const del = (id: string, query = '') => fetch(objectUrl(id, query), { method: 'DELETE', headers: { authorization: w.bearer, accept: TAXII } });
  const post = async (objects: Record<string, unknown>[]) => {
    const res = await fetch(`${w.url}/taxii2/api/collections/${w.collectionId}/objects/`, { method: 'POST', headers: { authorization: w.bearer, 'content-type': TAXII }, body: JSON.stringify({ objects }) });
    expect(res.status).toBe(202);
  };
  const versionsOf = async (id: string) => (await w.t.database.db.selectFrom('stix_objects').select('source').where('id', '=', id).execute()).length;

  beforeAll(async () => {
    w = await taxiiWorld();
  });
  afterAll(async () => w?.close());

  it('deletes one version by match[version], then the rest with its observables, and audits each', async () => {
    const v1 = indicator('green', { modified: '2025-02-01T00:00:00.000Z' });
    await post([v1, { ...v1, modified: '2025-03-01T00:00:00.000Z' }]);
    expect(await versionsOf(v1.id as string)).toBe(2);
    expect((await del(v1.id as string, '?match[version]=2025-02-01T00:00:00.000Z')).status).toBe(200);
    expect(await versionsOf(v1.id as string)).toBe(1);
    const obs = () => w.t.database.db.selectFrom('intel_observables').select('value').where('object_id', '=', v1.id as string).execute();
    expect(await obs()).toHaveLength(1);
    expect((await del(v1.id as string)).status).toBe(200);
    expect(await versionsOf(v1.id as string)).toBe(0);
    expect(await obs()).toHaveLength(0);
    const got = await fetch(objectUrl(v1.id as string), { headers: { authorization: w.bearer, accept: TAXII } });
    expect(got.status).toBe(404);
    const audit = await w.t.database.db.selectFrom('audit_log').select('action').where('entity_id', '=', v1.id as string).where('action', '=', 'intel.versions_deleted').execute();
    expect(audit).toHaveLength(2);
  });

  it('answers 404 and deletes nothing when the object was not posted by this partner', async () => {
    const local = indicator('green');
    await w.importLocal([local]);
    const res = await del(local.id as string);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error_code: string }).error_code).toBe('taxii.object_not_found');
    expect(await versionsOf(local.id as string)).toBe(1);
  });
});
