import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../platform/db/testing.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { scoId, type Tlp } from '../sharing/index.ts';
import { createTestApp, type TestApp } from '../../test-support/app.ts';
import { createTaxiiRepository, type PageFilter } from './taxii.repository.ts';
import { indicator } from './taxii.testing.ts';

describe(`TAXII page query (${testEngine()})`, () => {
  let t: TestApp;
  const repo = createTaxiiRepository();
  const twice = indicator('green', { modified: '2025-02-01T00:00:00.000Z' });
  const later = { ...twice, modified: '2025-03-01T00:00:00.123Z', name: 'second' };
  const sco = { type: 'ipv4-addr', spec_version: '2.1', id: scoId('ipv4-addr', { value: '198.51.100.7' }), value: '198.51.100.7' };
  let midSeq = 0;
  let midAdded = new Date(0);

  beforeAll(async () => {
    t = await createTestApp();
    const load = async (objects: Record<string, unknown>[]) => {
      const r = await t.vigil.services.intel.importBundle({ type: 'bundle', id: `bundle--${randomUUID()}`, objects }, { source: 'local', actor: SYSTEM_ACTOR });
      expect(r.rejected).toEqual([]);
    };
    await load([indicator('green'), indicator('clear'), indicator('amber'), twice, sco]);
    const first = await t.vigil.services.sharing.store.list({ versions: ['all'], limit: 100 });
    midSeq = first[2]!.seq;
    midAdded = first.at(-1)!.dateAdded;
    await new Promise((r) => setTimeout(r, 5));
    await load([later, indicator('green'), indicator('red')]);
  });
  afterAll(async () => t?.close());

  const all: Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];
  const filters: [string, PageFilter][] = [
    ['latest versions', { afterSeq: 0, tlpAllowed: all, limit: 100 }],
    ['every version', { afterSeq: 0, tlpAllowed: all, versions: ['all'], limit: 100 }],
    ['first versions', { afterSeq: 0, tlpAllowed: all, versions: ['first'], limit: 100 }],
    ['one version by timestamp, or the last', { afterSeq: 0, tlpAllowed: all, versions: ['2025-02-01T00:00:00.000Z', 'last'], limit: 100 }],
    ['TLP levels', { afterSeq: 0, tlpAllowed: ['clear', 'green'], versions: ['all'], limit: 100 }],
    ['types and ids', { afterSeq: 0, tlpAllowed: all, types: ['ipv4-addr', 'indicator'], ids: [twice.id as string, sco.id], versions: ['all'], limit: 100 }],
    ['spec versions', { afterSeq: 0, tlpAllowed: all, specVersions: ['2.1'], limit: 100 }],
    ['after a seq, with a limit', { afterSeq: midSeq, tlpAllowed: all, versions: ['all'], limit: 3 }],
    ['added after', { afterSeq: 0, tlpAllowed: all, addedAfter: midAdded, versions: ['all'], limit: 100 }],
  ];

  it.each(filters)('returns what the intel store lists, field for field (%s)', async (_name, f) => {
    const expected = await t.vigil.services.sharing.store.list(f);
    expect(expected.length).toBeGreaterThan(0);
    expect(await repo.listPage(t.database.db, f)).toEqual(expected);
  });

  it('returns nothing for no TLP level, no type, no id or another spec version', async () => {
    expect(await repo.listPage(t.database.db, { afterSeq: 0, tlpAllowed: all, specVersions: ['2.0'], limit: 100 })).toEqual([]);
    expect(await repo.listPage(t.database.db, { afterSeq: 0, tlpAllowed: [], limit: 100 })).toEqual([]);
    expect(await repo.listPage(t.database.db, { afterSeq: 0, tlpAllowed: all, types: [], limit: 100 })).toEqual([]);
    expect(await repo.listPage(t.database.db, { afterSeq: 0, tlpAllowed: all, ids: [], limit: 100 })).toEqual([]);
  });

  it('keeps the store version of an object without modified or created (SCOs)', async () => {
    const [row] = await repo.listPage(t.database.db, { afterSeq: 0, tlpAllowed: all, ids: [sco.id], limit: 10 });
    expect(row).toMatchObject({ id: sco.id, type: 'ipv4-addr', version: '1970-01-01T00:00:00.000Z' });
  });
});
