import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { createLedgerRepository } from './ledger.repository.ts';
import { createLedgerService, deliveryLink, ledgerLinkHash, LEDGER_GENESIS, type DepartureBatch } from './ledger.service.ts';

describe(`outbound ledger (${testEngine()})`, () => {
  let database: Database;
  const ledger = createLedgerService({ repo: createLedgerRepository(), clock: systemClock });
  const partnerId = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  const batch = (n: number, from = 0): DepartureBatch => ({
    partnerId,
    agreementId: randomUUID(),
    collectionId: randomUUID(),
    route: 'taxii.objects',
    requestId: 'req-1',
    objects: Array.from({ length: n }, (_, i) => ({ objectId: `indicator--${from + i}`, objectModified: '2025-01-01T00:00:00.000Z', sha256: 'a'.repeat(64) })),
  });

  it('appends a delivery as one row listing its objects, chained to the one before, and verifies it', async () => {
    await database.db.transaction().execute((tx) => ledger.append(tx, batch(3)));
    await database.db.transaction().execute((tx) => ledger.append(tx, batch(2, 3)));
    const rows = await database.db.selectFrom('sharing_ledger').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2]);
    expect(rows[0]!.prev_hash).toBe(LEDGER_GENESIS);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(rows[1]!.objects).toEqual([
      ['indicator--3', '2025-01-01T00:00:00.000Z', 'a'.repeat(64)],
      ['indicator--4', '2025-01-01T00:00:00.000Z', 'a'.repeat(64)],
    ]);
    expect(await ledger.verify(database.db)).toEqual({ ok: true, count: 2, objects: 5 });
  });

  it('keeps one gap-free chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 5 }, (_, i) => database.db.transaction().execute((tx) => ledger.append(tx, batch(4, 100 + i * 4)))));
    expect(await ledger.verify(database.db)).toEqual({ ok: true, count: 7, objects: 25 });
  });

  it('detects an edited object in a delivery, a reordered delivery and a row made to mix both forms', async () => {
    const original = (await database.db.selectFrom('sharing_ledger').select('objects').where('seq', '=', 4).executeTakeFirstOrThrow()).objects!;
    const edited = original.map((o, i) => (i === 2 ? [o[0], o[1], 'b'.repeat(64)] : o));
    const set = (objects: unknown) => sql`update sharing_ledger set objects = ${JSON.stringify(objects)}::jsonb where seq = 4`.execute(database.db);
    await set(edited);
    expect(await ledger.verify(database.db)).toMatchObject({ ok: false, brokenAt: 4, reason: 'row 4 was modified' });
    await set([...original].reverse());
    expect(await ledger.verify(database.db)).toMatchObject({ ok: false, brokenAt: 4, reason: 'row 4 was modified' });
    await set(original);
    expect((await ledger.verify(database.db)).ok).toBe(true);
    // Only someone who dropped the table's CHECK can write both forms in one row; verify still refuses it.
    await sql`alter table sharing_ledger drop constraint sharing_ledger_one_form`.execute(database.db);
    await sql`update sharing_ledger set object_id = 'indicator--x' where seq = 4`.execute(database.db);
    expect(await ledger.verify(database.db)).toMatchObject({ ok: false, brokenAt: 4, reason: 'row 4 was modified' });
    await sql`update sharing_ledger set object_id = null where seq = 4`.execute(database.db);
    await sql`alter table sharing_ledger add constraint sharing_ledger_one_form check ((objects is null and object_id is not null and object_modified is not null and sha256 is not null) or (objects is not null and jsonb_typeof(objects) = 'array' and object_id is null and object_modified is null and sha256 is null))`.execute(database.db);
    expect((await ledger.verify(database.db)).ok).toBe(true);
  });

  it('detects a deleted row in the middle and at the end', async () => {
    const last = await database.db.selectFrom('sharing_ledger').selectAll().where('seq', '=', 7).executeTakeFirstOrThrow();
    const restore = (row: typeof last) => database.db.insertInto('sharing_ledger').values({ ...row, objects: JSON.stringify(row.objects) }).execute();
    await sql`delete from sharing_ledger where seq = 7`.execute(database.db);
    expect(await ledger.verify(database.db)).toMatchObject({ ok: false, brokenAt: 7, reason: 'rows after 6 were deleted (the head records 7)' });
    await restore(last);
    const row3 = await database.db.selectFrom('sharing_ledger').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
    await sql`delete from sharing_ledger where seq = 3`.execute(database.db);
    expect(await ledger.verify(database.db)).toMatchObject({ ok: false, brokenAt: 3, reason: 'row 3 is missing' });
    await restore(row3);
    expect((await ledger.verify(database.db)).ok).toBe(true);
  });

  it('hashes a delivery with the same bytes as the canonical JSON of its row (escapes, non-ASCII, no request id)', () => {
    const at = new Date('2025-03-04T05:06:07.089Z');
    const odd: DepartureBatch = {
      partnerId: randomUUID(),
      agreementId: randomUUID(),
      collectionId: randomUUID(),
      route: 'taxii.obj"ects\\',
      requestId: null,
      objects: [
        { objectId: 'indicator--a"b\\c\n', objectModified: '2025-01-01T00:00:00.000Z', sha256: 'c'.repeat(64) },
        { objectId: 'identity--Zürich \u2028 \ud83d\ude00', objectModified: 'x\u0001y', sha256: 'd'.repeat(64) },
        { objectId: 'x', objectModified: '', sha256: '' },
      ],
    };
    for (const b of [odd, { ...odd, requestId: 'req "1"' }]) {
      const link = deliveryLink(LEDGER_GENESIS, 41, at, b);
      const objects = b.objects.map((o) => [o.objectId, o.objectModified, o.sha256] as [string, string, string]);
      expect(JSON.parse(link.objectsJson)).toEqual(objects);
      const row = { seq: 41, at, partner_id: b.partnerId, agreement_id: b.agreementId, collection_id: b.collectionId, object_id: null, object_modified: null, sha256: null, objects, route: b.route, request_id: b.requestId };
      expect(link.hash).toBe(ledgerLinkHash(LEDGER_GENESIS, row));
      expect(ledgerLinkHash(LEDGER_GENESIS, { ...row, seq: 42 })).not.toBe(link.hash);
    }
  });

  it('verifies rows of the single-object form written before deliveries, chained with delivery rows', async () => {
    const before = await ledger.verify(database.db);
    const head = await database.db.selectFrom('sharing_ledger_head').selectAll().executeTakeFirstOrThrow();
    const at = new Date('2025-06-01T00:00:00.000Z');
    const fields = { seq: before.count + 1, at, partner_id: partnerId, agreement_id: randomUUID(), collection_id: randomUUID(), object_id: 'indicator--legacy', object_modified: '2025-01-01T00:00:00.000Z', sha256: 'e'.repeat(64), objects: null, route: 'taxii.objects', request_id: null };
    const hash = ledgerLinkHash(head.hash, fields)!;
    await database.db.insertInto('sharing_ledger').values({ ...fields, prev_hash: head.hash, hash }).execute();
    await database.db.updateTable('sharing_ledger_head').set({ seq: fields.seq, hash }).execute();
    await database.db.transaction().execute((tx) => ledger.append(tx, batch(1)));
    expect(await ledger.verify(database.db)).toEqual({ ok: true, count: before.count + 2, objects: before.objects + 2 });
    await sql`update sharing_ledger set sha256 = ${'f'.repeat(64)} where seq = ${fields.seq}`.execute(database.db);
    expect(await ledger.verify(database.db)).toMatchObject({ ok: false, brokenAt: fields.seq, reason: `row ${fields.seq} was modified` });
    await sql`update sharing_ledger set sha256 = ${'e'.repeat(64)} where seq = ${fields.seq}`.execute(database.db);
  });

  it('stores a delivery of a thousand objects in one row that verifies, and reports it a line per object', async () => {
    const before = await ledger.verify(database.db);
    await database.db.transaction().execute((tx) => ledger.append(tx, batch(1000, 5000)));
    const rows = await database.db.selectFrom('sharing_ledger').selectAll().where('seq', '>', before.count).orderBy('seq').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.objects!.map((o) => o[0])).toEqual(Array.from({ length: 1000 }, (_, i) => `indicator--${5000 + i}`));
    expect(await ledger.verify(database.db)).toEqual({ ok: true, count: before.count + 1, objects: before.objects + 1000 });
    // Paged a line per object across rows of both forms, keyset (row, position): nothing lost or repeated.
    const seen: string[] = [];
    let after = { seq: 0, position: 0 };
    for (;;) {
      const { rows: lines, summary } = await ledger.report(database.db, { partnerId, after, limit: 333 });
      if (after.seq === 0) expect(summary?.map((r) => [r.partner_id, Number(r.sent)])).toEqual([[partnerId, before.objects + 1000]]);
      seen.push(...lines.map((l) => `${l.seq}.${l.position}:${l.object_id}`));
      if (lines.length < 333) break;
      after = { seq: lines.at(-1)!.seq, position: lines.at(-1)!.position };
    }
    expect(seen).toHaveLength(before.objects + 1000);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(`${before.count - 1}.1:indicator--legacy`);
    expect(seen.at(-1)).toBe(`${before.count + 1}.1000:indicator--5999`);
  });
});
