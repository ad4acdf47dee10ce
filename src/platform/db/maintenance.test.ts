import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.ts';
import { embeddedMaintenance, HOT_TABLES } from './maintenance.ts';
import { createTestDatabase, testEngine } from './testing.ts';

describe(`embedded maintenance: VACUUM (ANALYZE) of the hot tables (${testEngine()})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  const vacuums = async (table: string) =>
    (await sql<{ n: number }>`select (vacuum_count + analyze_count)::int as n from pg_stat_user_tables where relname = ${table}`.execute(database.db)).rows[0]?.n ?? 0;

  it('is scheduled on the embedded engine only (a PostgreSQL server has autovacuum)', () => {
    expect(embeddedMaintenance({ db: database.db, engine: 'postgres' })).toEqual([]);
    expect(embeddedMaintenance({ db: database.db, engine: 'embedded' }).map((t) => [t.name, t.everyMs])).toEqual([['db.vacuum_embedded', 3 * 3600_000]]);
  });

  it('vacuums and analyzes every hot table when it runs on this engine', async () => {
    const tasks = embeddedMaintenance({ db: database.db, engine: database.engine });
    if (database.engine !== 'embedded') {
      expect(tasks).toEqual([]);
      return;
    }
    const before = await Promise.all(HOT_TABLES.map(vacuums));
    await tasks[0]!.run();
    const after = await Promise.all(HOT_TABLES.map(vacuums));
    HOT_TABLES.forEach((table, i) => expect({ table, grew: after[i]! >= before[i]! + 2 }).toEqual({ table, grew: true }));
    const { rows } = await sql<{ at: Date | null }>`select last_vacuum as at from pg_stat_user_tables where relname = 'incidents'`.execute(database.db);
    expect(rows[0]?.at).toBeInstanceOf(Date);
  });
});
