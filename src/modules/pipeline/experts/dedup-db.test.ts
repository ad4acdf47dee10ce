import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../../platform/db/testing.ts';
import '../asn/asn.tables.ts';
import { createDbDeduplicator, dedupPurgeTask, purgeExpiredDedupKeys } from './dedup-db.ts';

const H = 3600_000;
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe(`database deduplicator (${testEngine()})`, () => {
  it('marks new keys, in-batch duplicates and keys seen by an earlier batch', async () => {
    const d = createDbDeduplicator({ db: database.db, windowMs: 24 * H });
    const t0 = new Date('2025-01-01T00:00:00Z');
    expect(await d.check(['a1', 'b1', 'a1'], t0)).toEqual([true, true, false]);
    expect(await d.check(['b1', 'c1'], new Date(t0.getTime() + H))).toEqual([false, true]);
    expect(await d.check([], t0)).toEqual([]);
  });

  it('re-arms a key once its window has passed, without extending it on repeats', async () => {
    const d = createDbDeduplicator({ db: database.db, windowMs: 24 * H });
    const t0 = new Date('2025-02-01T00:00:00Z');
    expect(await d.check(['w'], t0)).toEqual([true]);
    expect(await d.check(['w'], new Date(t0.getTime() + 23 * H))).toEqual([false]);
    expect(await d.check(['w'], new Date(t0.getTime() + 24 * H))).toEqual([true]);
    expect(await d.check(['w'], new Date(t0.getTime() + 47 * H))).toEqual([false]);
  });

  it('forgets keys when the caller transaction rolls back', async () => {
    const d = createDbDeduplicator({ db: database.db });
    const t0 = new Date('2025-03-01T00:00:00Z');
    await expect(
      database.db.transaction().execute(async (tx) => {
        expect(await d.check(['rb'], t0, tx)).toEqual([true]);
        throw new Error('chunk failed');
      }),
    ).rejects.toThrow('chunk failed');
    expect(await d.check(['rb'], t0)).toEqual([true]);
  });

  it('purges expired keys only, also through the scheduled task', async () => {
    const d = createDbDeduplicator({ db: database.db, windowMs: H });
    const t0 = new Date('2025-04-01T00:00:00Z');
    await d.check(['p1', 'p2', 'p3'], t0);
    await d.check(['p4'], new Date(t0.getTime() + 2 * H));
    const before = await database.db.selectFrom('event_dedup').select('key').where('key', 'in', ['p1', 'p2', 'p3', 'p4']).execute();
    expect(before).toHaveLength(4);
    expect(await purgeExpiredDedupKeys(database.db, new Date(t0.getTime() + H), 2)).toBeGreaterThanOrEqual(3);
    const left = await database.db.selectFrom('event_dedup').select('key').where('key', 'in', ['p1', 'p2', 'p3', 'p4']).execute();
    expect(left.map((r) => r.key)).toEqual(['p4']);
    const task = dedupPurgeTask({ db: database.db, clock: { now: () => new Date(t0.getTime() + 10 * H) } });
    await task.run();
    expect(await database.db.selectFrom('event_dedup').select('key').where('key', '=', 'p4').execute()).toEqual([]);
  });
});
