import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test-support/app.ts';
import { bundle, indicator } from './intel.testing.ts';
import { TLP2_MARKING_IDS } from './tlp.ts';

let app: TestApp;
let analyst: Session;
let constituent: Session;

beforeAll(async () => {
  app = await createTestApp({ VIGIL_DEMO: '0' });
  analyst = await app.signIn('analyst');
  const org = await app.createOrg('Observables Org');
  constituent = await app.signIn('constituent', { organizationId: org.id });
});
afterAll(() => app.close());

const post = (b: unknown) => app.request('/api/v1/intel/bundles', { method: 'POST', as: analyst, body: JSON.stringify(b), headers: { 'content-type': 'application/json' } });
const get = (id: string, as: Session) => app.request(`/api/v1/intel/objects/${id}/observables`, { as });

describe('GET /api/v1/intel/objects/{id}/observables', () => {
  it('lists what was extracted from an indicator pattern, sorted by kind and value', async () => {
    const ind = indicator("[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'evil.example']", { object_marking_refs: [TLP2_MARKING_IDS.green] });
    expect((await post(bundle([ind]))).status).toBe(200);
    const res = await get(ind.id as string, analyst);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { kind: string; value: string; origin: string }[]; truncated: boolean };
    expect(body.items).toEqual([
      { kind: 'domain', value: 'evil.example', origin: 'pattern' },
      { kind: 'ipv4', value: '198.51.100.7', origin: 'pattern' },
    ]);
    expect(body.truncated).toBe(false);
  });

  it('answers 404 intel.not_found for objects above the caller\'s TLP and for unknown ids', async () => {
    const amber = indicator("[ipv4-addr:value = '198.51.100.8']", { object_marking_refs: [TLP2_MARKING_IDS.amber] });
    expect((await post(bundle([amber]))).status).toBe(200);
    expect((await get(amber.id as string, analyst)).status).toBe(200);
    const hidden = await get(amber.id as string, constituent);
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { error: { code: string } }).error.code).toBe('intel.not_found');
    const unknown = await get('indicator--00000000-0000-4000-8000-000000000000', analyst);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('intel.not_found');
  });
});

describe('GET /api/v1/intel/objects/{id}/versions/{modified}', () => {
  it('returns the asked version as stored, and 404 intel.version_not_found for another timestamp', async () => {
    const v1 = indicator("[ipv4-addr:value = '198.51.100.9']", { name: 'v1', object_marking_refs: [TLP2_MARKING_IDS.green] });
    const v2 = { ...v1, name: 'v2', modified: '2024-02-01T00:00:00.000Z' };
    expect((await post(bundle([v1, v2]))).status).toBe(200);
    const one = await app.request(`/api/v1/intel/objects/${v1.id as string}/versions/${encodeURIComponent(v1.modified as string)}`, { as: analyst });
    expect(one.status).toBe(200);
    expect(((await one.json()) as { object: { name: string } }).object.name).toBe('v1');
    const two = await app.request(`/api/v1/intel/objects/${v1.id as string}/versions/2024-02-01T00:00:00Z`, { as: constituent });
    expect(((await two.json()) as { object: { name: string } }).object.name).toBe('v2');
    const none = await app.request(`/api/v1/intel/objects/${v1.id as string}/versions/2023-01-01T00:00:00Z`, { as: analyst });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('intel.version_not_found');
    const bad = await app.request(`/api/v1/intel/objects/${v1.id as string}/versions/yesterday`, { as: analyst });
    expect(bad.status).toBe(400);
  });
});
