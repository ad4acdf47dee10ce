import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { createAuditRepository } from './audit.repository.ts';
import { createAuditService, type AuditEvent } from './audit.service.ts';

const actor = { userId: null, label: 'tester', requestId: 'req-1' };
const at = new Date('2026-03-01T12:00:00.000Z');
const events: AuditEvent[] = [
  { action: 'thing.created', entityType: 'thing', entityId: 'a', after: { n: 1, nested: { b: [1, 'x'], a: null }, when: at } },
  { action: 'thing.updated', entityType: 'thing', entityId: 'a', before: { n: 1 }, after: { n: 2, text: 'quote " and \\ backslash, comma' } },
  { action: 'thing.noted', entityType: 'thing' },
];

describe(`audit batch append (${testEngine()})`, () => {
  let one: Database;
  let many: Database;
  beforeAll(async () => {
    [one, many] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => Promise.all([one.close(), many.close()]));

  const audit = createAuditService({ repo: createAuditRepository(), clock: { now: () => at } });
  const chain = (db: Database) => sql<{ seq: number; prev_hash: string; hash: string }>`select seq, prev_hash, hash from audit_log order by seq`.execute(db.db).then((r) => r.rows);

  it('links entries exactly as one append after another does', async () => {
    for (const e of events) await one.db.transaction().execute((tx) => audit.append(tx, actor, e));
    await many.db.transaction().execute((tx) => audit.appendMany(tx, actor, events));
    expect(await chain(many)).toEqual(await chain(one));
    expect(await audit.verify(many.db)).toMatchObject({ ok: true, count: 3 });
  });

  it('keeps one verifiable chain when batches and single appends alternate', async () => {
    await many.db.transaction().execute((tx) => audit.append(tx, actor, events[0]!));
    await many.db.transaction().execute((tx) => audit.appendMany(tx, actor, events));
    await many.db.transaction().execute((tx) => audit.appendMany(tx, actor, []));
    await many.db.transaction().execute((tx) => audit.append(tx, actor, events[2]!));
    expect(await audit.verify(many.db)).toMatchObject({ ok: true, count: 8 });
    const head = await sql<{ seq: number }>`select seq from audit_head`.execute(many.db);
    expect(head.rows[0]!.seq).toBe(8);
  });

  it('detects an edited entry inside a batch', async () => {
    await sql`update audit_log set after = '{"n": 99}' where seq = 5`.execute(many.db);
    expect(await audit.verify(many.db)).toMatchObject({ ok: false, brokenAt: 5 });
  });
});
