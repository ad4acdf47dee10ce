import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../platform/db/testing.ts';
import { createLedgerRepository } from './ledger.repository.ts';
import { createLedgerService, ledgerBatchHashes, ledgerLinkHash, LEDGER_GENESIS, type DepartureBatch } from './ledger.service.ts';

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

  it('appends a batch as consecutive rows in one chain and verifies it', async () => {
    await database.db.transaction().execute((tx) => ledger.append(tx, batch(3)));
    await database.db.transaction().execute((tx) => ledger.append(tx, batch(2, 3)));
    const rows = await database.db.selectFrom('sharing_ledger').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
    expect(rows[3]!.prev_hash).toBe(rows[2]!.hash);
    expect(await ledger.verify(database.db)).toEqual({ ok: true, count: 5 });
  });

  it('keeps one gap-free chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 5 }, (_, i) => database.db.transaction().execute((tx) => ledger.append(tx, batch(4, 100 + i * 4)))));
    expect(await ledger.verify(database.db)).toEqual({ ok: true, count: 25 });
  });

  it('detects an edited row and names it', async () => {
    await sql`update sharing_ledger set sha256 = ${'b'.repeat(64)} where seq = 4`.execute(database.db);
    expect(await ledger.verify(database.db)).toMatchObject({ ok: false, brokenAt: 4, reason: 'row 4 was modified' });
    await sql`update sharing_ledger set sha256 = ${'a'.repeat(64)} where seq = 4`.execute(database.db);
    expect((await ledger.verify(database.db)).ok).toBe(true);
  });

  it('detects a deleted row in the middle and at the end', async () => {
    const last = await database.db.selectFrom('sharing_ledger').selectAll().where('seq', '=', 25).executeTakeFirstOrThrow();
    await sql`delete from sharing_ledger where seq = 25`.execute(database.db);
    expect(await ledger.verify(database.db)).toMatchObject({ ok: false, brokenAt: 25 });
    await database.db.insertInto('sharing_ledger').values(last).execute();
    const row7 = await database.db.selectFrom('sharing_ledger').selectAll().where('seq', '=', 7).executeTakeFirstOrThrow();
    await sql`delete from sharing_ledger where seq = 7`.execute(database.db);
    expect(await ledger.verify(database.db)).toMatchObject({ ok: false, brokenAt: 7, reason: 'row 7 is missing' });
    await database.db.insertInto('sharing_ledger').values(row7).execute();
    expect((await ledger.verify(database.db)).ok).toBe(true);
  });

  it('chains a batch with the same link hashes as row by row canonical JSON (escapes, non-ASCII, no request id)', () => {
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
      let prev = LEDGER_GENESIS;
      const rowByRow = b.objects.map((o, i) => {
        prev = ledgerLinkHash(prev, { seq: 41 + i, at, partner_id: b.partnerId, agreement_id: b.agreementId, collection_id: b.collectionId, object_id: o.objectId, object_modified: o.objectModified, sha256: o.sha256, route: b.route, request_id: b.requestId });
        return prev;
      });
      expect(ledgerBatchHashes(LEDGER_GENESIS, 41, at, b)).toEqual(rowByRow);
    }
  });

  it('stores a batch of a thousand rows that verifies, with each prev_hash the hash before it', async () => {
    const before = await ledger.verify(database.db);
    await database.db.transaction().execute((tx) => ledger.append(tx, batch(1000, 5000)));
    const rows = await database.db.selectFrom('sharing_ledger').selectAll().where('seq', '>', before.count).orderBy('seq').execute();
    expect(rows).toHaveLength(1000);
    expect(rows.map((r) => r.object_id)).toEqual(Array.from({ length: 1000 }, (_, i) => `indicator--${5000 + i}`));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(await ledger.verify(database.db)).toEqual({ ok: true, count: before.count + 1000 });
  });
});
