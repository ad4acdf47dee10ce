import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../../platform/db/testing.ts';
import { createTestApp, type Session, type TestApp } from '../../../test-support/app.ts';

let t: TestApp;
let admin: Session;
let analyst: Session;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
  analyst = await t.signIn('analyst');
});
afterAll(async () => {
  await t.close();
});

const post = (body: string, as: Session, type = 'text/plain') => t.request('/api/v1/asn-prefixes', { method: 'POST', body, as, headers: { 'content-type': type } });

describe(`POST /api/v1/asn-prefixes (${testEngine()})`, () => {
  it('lets an administrator replace the table and reports it in the stats', async () => {
    const res = await post('198.18.0.0\t15\t64496\tXX\tDEMO\n2001:db8::\t32\t64496_64497\n', admin);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ lines: 2, prefixes: { v4: 1, v6: 1 }, asns: 2 });
    const stats = await t.request('/api/v1/asn-prefixes/stats', { as: analyst });
    expect(stats.status).toBe(200);
    expect(await stats.json()).toMatchObject({ prefixes: { v4: 1, v6: 1 }, asns: 2, lastImport: { source: 'api' } });
  });

  it('answers 422 with the bad lines, and changes nothing', async () => {
    const res = await post('198.18.0.0\t15\t64496\n198.18.0.0\t33\t1\n', admin);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; details: { errors: { line: number; code: string }[] } } };
    expect(body.error.code).toBe('asn.import_rejected');
    expect(body.error.details.errors).toEqual([expect.objectContaining({ line: 2, code: 'pfx2as.invalid_prefix' })]);
    expect(await (await t.request('/api/v1/asn-prefixes/stats', { as: admin })).json()).toMatchObject({ prefixes: { v4: 1, v6: 1 } });
  });

  it('refuses non-administrators, wrong media types and anonymous callers', async () => {
    expect((await post('198.18.0.0\t15\t64496\n', analyst)).status).toBe(403);
    const wrongType = await post('{}', admin, 'application/json');
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as { error: { code: string } }).error.code).toBe('request.unsupported_media_type');
    expect((await t.request('/api/v1/asn-prefixes/stats')).status).toBe(401);
  });
});
