import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../platform/db/database.ts';
import { createTestDatabase, testEngine } from '../../../platform/db/testing.ts';
import { createEmbeddedDeduplicator } from './dedup-embedded.ts';

const HOUR = 3600_000;

describe(`embedded deduplicator: memory, rebuilt from the stored events (${testEngine()})`, () => {
  let database: Database;
  const feed = randomUUID();
  const now = new Date('2026-03-01T12:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    // Committed events of the feed: one inside the 24 h window, one older.
    for (const [key, at] of [['k-recent', new Date(now.getTime() - 2 * HOUR)], ['k-old', new Date(now.getTime() - 30 * HOUR)]] as const) {
      await sql`insert into events (time_observation, feed_id, report_id, line_no, classification_taxonomy, classification_type, tlp, dedup_key, data)
        values (${at.toISOString()}::timestamptz, ${feed}::uuid, ${randomUUID()}::uuid, 2, 'other', 'undetermined', 'amber', ${key}, '{}')`.execute(database.db);
    }
  });
  afterAll(() => database.close());

  it('knows the keys of the stored events of the window after a start', async () => {
    const dedup = createEmbeddedDeduplicator();
    expect(await dedup.check(database.db, feed, 24 * HOUR, ['k-recent', 'k-old', 'k-new', 'k-new'], now)).toEqual([false, true, true, false]);
    dedup.committed(feed);
    expect(await dedup.check(database.db, feed, 24 * HOUR, ['k-new', 'k-old'], now)).toEqual([false, false]);
  });

  it('records the keys of a chunk only once it committed; a rolled-back chunk leaves none', async () => {
    const dedup = createEmbeddedDeduplicator();
    expect(await dedup.check(database.db, feed, 24 * HOUR, ['k-rolled-back'], now)).toEqual([true]);
    dedup.rolledBack(feed);
    expect(await dedup.check(database.db, feed, 24 * HOUR, ['k-rolled-back', 'k-recent'], now)).toEqual([true, false]);
    expect(await dedup.check(database.db, feed, 24 * HOUR, ['k-rolled-back'], now)).toEqual([true]); // still not committed
    dedup.committed(feed);
    expect(await dedup.check(database.db, feed, 24 * HOUR, ['k-rolled-back'], now)).toEqual([false]);
  });

  it('forgets a feed on demand: rebuilt from the committed events', async () => {
    const dedup = createEmbeddedDeduplicator();
    expect(await dedup.check(database.db, feed, 24 * HOUR, ['k-forgotten'], now)).toEqual([true]);
    dedup.committed(feed);
    dedup.forget(feed);
    expect(await dedup.check(database.db, feed, 24 * HOUR, ['k-forgotten', 'k-recent'], now)).toEqual([true, false]);
  });

  it('with a window of zero drops only repeats inside the same chunk', async () => {
    const dedup = createEmbeddedDeduplicator();
    expect(await dedup.check(database.db, feed, 0, ['k-recent', 'a', 'a'], now)).toEqual([true, true, false]);
    expect(await dedup.check(database.db, feed, 0, ['a'], now)).toEqual([true]);
  });
});
