import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { createTestApp, type TestApp } from '../../test-support/app.ts';

const ACTOR = { userId: null, label: 'test' };

describe(`concurrent writers (${testEngine()})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('commits concurrent imports, asset changes and updates on the same organizations, keeping the audit chain whole', async () => {
    const orgs = await Promise.all([0, 1, 2].map((i) => t.createOrg(`Busy Org ${i}`)));
    const { organizations, imports } = t.vigil.services.constituency;
    const work: Promise<unknown>[] = [];
    for (let round = 0; round < 4; round++) {
      const csv = ['name,networks', ...orgs.map((o, i) => `${o.name},198.18.${round * 10 + i}.0/24`)].join('\n');
      work.push(imports.run(csv, { format: 'csv', partial: false, dryRun: false }, ACTOR));
      for (const [i, o] of orgs.entries()) {
        work.push(organizations.addAsset(o.id, { type: 'domain', value: `r${round}.busy${i}.example` }, ACTOR));
        work.push(organizations.update(o.id, { ciiCategory: `round ${round}`, isCii: true }, ACTOR));
      }
    }
    const results = await Promise.allSettled(work);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const detail = await organizations.get({ kind: 'all' }, orgs[0]!.id);
    expect(detail.assets).toHaveLength(8);
    expect(await t.vigil.services.audit.verify(t.database.db)).toMatchObject({ ok: true });
    const hit = await t.vigil.services.constituency.lookup.lookup('198.18.31.9', { kind: 'all' });
    expect(hit.matches.map((m) => m.organization.name)).toEqual(['Busy Org 1']);
  });
});
