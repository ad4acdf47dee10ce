import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../../platform/db/testing.ts';
import { createOrgInfoCache, createOrgsRepository } from './orgs.repository.ts';

let database: Database;
const ids = { grid: randomUUID(), shop: randomUUID(), c1: randomUUID(), c2: randomUUID() };
const now = new Date('2025-01-01T00:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  await db
    .insertInto('organizations')
    .values([
      { id: ids.grid, name: 'Grid', name_key: 'grid', sector: 'energy', is_cii: true, cii_category: 'significant', country: 'XX', created_at: now, updated_at: now },
      { id: ids.shop, name: 'Shop', name_key: 'shop', sector: 'food', is_cii: false, cii_category: null, country: 'XX', created_at: now, updated_at: now },
    ])
    .execute();
  await db.insertInto('centers').values([
    { id: ids.c1, name: 'SOC One', name_key: 'soc one', created_at: now, updated_at: now },
    { id: ids.c2, name: 'SOC Two', name_key: 'soc two', created_at: now, updated_at: now },
  ]).execute();
  await db.insertInto('center_organizations').values([{ center_id: ids.c1, organization_id: ids.grid }, { center_id: ids.c2, organization_id: ids.grid }]).execute();
  const contact = (email: string, role: string, is24x7: boolean, minute: number) => ({
    id: randomUUID(), organization_id: ids.grid, name: email, role, email, phone: null, is_24x7: is24x7, pgp_key: null, pgp_fingerprint: null,
    created_at: new Date(now.getTime() + minute * 60_000), updated_at: now,
  });
  await db.insertInto('contacts').values([
    contact('ciso@grid.example', 'management', false, 1),
    contact('soc@grid.example', 'security', true, 2),
    contact('it@grid.example', 'technical', false, 0),
    contact('abuse@grid.example', 'abuse', false, 3),
    contact('SOC@grid.example', 'security', false, 4),
  ]).execute();
});
afterAll(async () => {
  await database.close();
});

describe(`loadOrgInfos (${testEngine()})`, () => {
  it('loads sector, CII, centers and contacts (24/7 first, then security roles, each address once)', async () => {
    const orgs = await createOrgsRepository().loadOrgInfos(database.db);
    expect(orgs.get(ids.grid)).toEqual({
      id: ids.grid, name: 'Grid', sector: 'energy', isCii: true, ciiCategory: 'significant',
      centerIds: [ids.c1, ids.c2].sort(),
      contacts: ['soc@grid.example', 'abuse@grid.example', 'it@grid.example', 'ciso@grid.example'],
    });
    expect(orgs.get(ids.shop)).toEqual({ id: ids.shop, name: 'Shop', sector: 'food', isCii: false, ciiCategory: null, centerIds: [], contacts: [] });
  });

  it('caches for maxAgeMs and reloads after it', async () => {
    let t = 0;
    const cache = createOrgInfoCache({ db: database.db, clock: { now: () => new Date(t) }, maxAgeMs: 1000 });
    const first = await cache.get();
    expect(await cache.get()).toBe(first);
    t = 2000;
    expect(await cache.get()).not.toBe(first);
  });
});
