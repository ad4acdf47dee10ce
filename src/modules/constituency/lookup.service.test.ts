import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVigil, type Vigil } from '../../app.ts';
import { loadConfig } from '../../platform/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { createLogger } from '../../platform/logger.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';

const ALL = { kind: 'all' } as const;

describe(`lookup index across processes (${testEngine()})`, () => {
  let database: Database;
  let a: Vigil;
  let b: Vigil;
  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({ VIGIL_LOG_LEVEL: 'silent' });
    // Two app instances on one database stand for two processes: each has its own in-memory index.
    a = createVigil({ config, database, log: createLogger('silent') });
    b = createVigil({ config, database, log: createLogger('silent') });
  });
  afterAll(async () => database.close());

  it('sees in one process the assets another process added, changed and removed', async () => {
    expect((await b.services.constituency.lookup.lookup('198.18.7.7', ALL)).matches).toEqual([]);
    const org = await a.services.constituency.organizations.create({ name: 'Proc Org', sector: 'energy', isCii: false, country: 'XX' }, SYSTEM_ACTOR);
    const { asset } = await a.services.constituency.organizations.addAsset(org.id, { type: 'cidr', value: '198.18.7.0/24' }, SYSTEM_ACTOR);
    await a.services.constituency.organizations.addAsset(org.id, { type: 'domain', value: 'proc.example' }, SYSTEM_ACTOR);
    expect((await b.services.constituency.lookup.lookup('198.18.7.7', ALL)).matches.map((m) => m.asset.value)).toEqual(['198.18.7.0/24']);
    expect((await b.services.constituency.lookup.lookup('https://x.proc.example/', ALL)).matches).toHaveLength(1);
    await a.services.constituency.organizations.removeAsset(org.id, asset.id, SYSTEM_ACTOR);
    expect((await b.services.constituency.lookup.lookup('198.18.7.7', ALL)).matches).toEqual([]);
    await a.services.constituency.organizations.remove(org.id, SYSTEM_ACTOR);
    expect((await b.services.constituency.lookup.lookup('proc.example', ALL)).matches).toEqual([]);
  });

  it('agrees with the database after a burst of concurrent changes from both processes', async () => {
    const org = await a.services.constituency.organizations.create({ name: 'Burst Org', sector: 'energy', isCii: false, country: 'XX' }, SYSTEM_ACTOR);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).services.constituency.organizations.addAsset(org.id, { type: 'cidr', value: `198.19.${i}.0/24` }, SYSTEM_ACTOR),
      ),
    );
    for (const v of [a, b]) {
      for (let i = 0; i < 20; i++) {
        const r = await v.services.constituency.lookup.lookup(`198.19.${i}.1`, ALL);
        expect(r.matches.map((m) => m.organization.name)).toEqual(['Burst Org']);
      }
    }
  });

  it('answers an invalid query with lookup.invalid_query', async () => {
    await expect(a.services.constituency.lookup.lookup('not a thing at all', ALL)).rejects.toMatchObject({ code: 'lookup.invalid_query' });
  });
});
