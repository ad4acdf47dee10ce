import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { createAuditRepository } from './audit.repository.ts';
import { createAuditService, type AuditService } from './audit.service.ts';

const actor = { userId: null, label: 'tester', requestId: 'req-1' };

describe(`audit chain (${testEngine()})`, () => {
  let database: Database;
  let audit: AuditService;
  beforeAll(async () => {
    database = await createTestDatabase();
    audit = createAuditService({ repo: createAuditRepository(), clock: { now: () => new Date() } });
  });
  afterAll(async () => database.close());

  async function appendSome(n: number) {
    for (let i = 0; i < n; i++) {
      await database.db.transaction().execute((tx) =>
        audit.append(tx, actor, { action: 'thing.updated', entityType: 'thing', entityId: `t${i}`, before: { n: i, nested: { b: 1, a: [1, 'x'] } }, after: { n: i + 1 } }),
      );
    }
  }

  it('verifies an intact chain and counts every entry', async () => {
    await appendSome(5);
    const result = await audit.verify(database.db);
    expect(result).toMatchObject({ ok: true, count: 5 });
  });

  it('serializes concurrent appends into one gapless chain', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        database.db.transaction().execute((tx) => audit.append(tx, actor, { action: 'c', entityType: 'thing', entityId: String(i) })),
      ),
    );
    expect(await audit.verify(database.db)).toMatchObject({ ok: true, count: 13 });
  });

  it('reports the first edited entry', async () => {
    await sql`update audit_log set after = '{"n": 99}' where seq = 3`.execute(database.db);
    expect(await audit.verify(database.db)).toMatchObject({ ok: false, brokenAt: 3, reason: 'entry 3 was modified' });
  });

  it('reports a deleted entry and a truncated tail', async () => {
    const fresh = await createTestDatabase();
    try {
      const db = fresh.db;
      const a = createAuditService({ repo: createAuditRepository(), clock: { now: () => new Date() } });
      for (let i = 0; i < 4; i++) await db.transaction().execute((tx) => a.append(tx, actor, { action: 'x', entityType: 'y' }));
      await sql`delete from audit_log where seq = 4`.execute(db);
      expect(await a.verify(db)).toMatchObject({ ok: false, brokenAt: 4 });
      await sql`delete from audit_log where seq = 2`.execute(db);
      expect(await a.verify(db)).toMatchObject({ ok: false, brokenAt: 2, reason: 'entry 2 is missing' });
    } finally {
      await fresh.close();
    }
  });
});
