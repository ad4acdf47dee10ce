import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.ts';
import { CHECKPOINT_POLICY, embeddedMaintenance, HOT_TABLES } from './maintenance.ts';
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
    expect(embeddedMaintenance({ db: database.db, engine: 'embedded' }).map((t) => [t.name, t.everyMs])).toEqual([
      ['db.checkpoint_embedded', 30_000],
      ['db.vacuum_embedded', 3 * 3600_000],
    ]);
  });

  it('vacuums and analyzes every hot table when it runs on this engine', async () => {
    const tasks = embeddedMaintenance({ db: database.db, engine: database.engine });
    if (database.engine !== 'embedded') {
      expect(tasks).toEqual([]);
      return;
    }
    const before = await Promise.all(HOT_TABLES.map(vacuums));
    await tasks.find((t) => t.name === 'db.vacuum_embedded')!.run();
    const after = await Promise.all(HOT_TABLES.map(vacuums));
    HOT_TABLES.forEach((table, i) => expect({ table, grew: after[i]! >= before[i]! + 2 }).toEqual({ table, grew: true }));
    const { rows } = await sql<{ at: Date | null }>`select last_vacuum as at from pg_stat_user_tables where relname = 'incidents'`.execute(database.db);
    expect(rows[0]?.at).toBeInstanceOf(Date);
  });
});

describe(`embedded maintenance: CHECKPOINT, single-user mode having no checkpointer (${testEngine()})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  const redo = async () => (await sql<{ lsn: string }>`select redo_lsn::text as lsn from pg_control_checkpoint()`.execute(database.db)).rows[0]!.lsn;
  const task = (policy: Partial<typeof CHECKPOINT_POLICY>) =>
    embeddedMaintenance({ db: database.db, engine: 'embedded', checkpoint: { ...CHECKPOINT_POLICY, ...policy } }).find((t) => t.name === 'db.checkpoint_embedded')!;

  it('checkpoints once enough WAL was written since the last checkpoint, and not before', async () => {
    if (database.engine !== 'embedded') return; // a server's checkpointer does it; the task is not scheduled there
    await sql`checkpoint`.execute(database.db);
    const start = await redo();
    await sql`create table wal_filler (id int, pad text)`.execute(database.db);
    await sql`insert into wal_filler select g, repeat('x', 200) from generate_series(1, 5000) g`.execute(database.db); // ~1.5 MB of WAL
    await task({ walBytes: 64 * 1024 * 1024 }).run();
    expect(await redo()).toBe(start);
    await task({ walBytes: 512 * 1024 }).run();
    const after = await redo();
    expect(after).not.toBe(start);
    // Nothing written since: neither the size nor the age rule fires.
    await task({ walBytes: 512 * 1024, maxAgeMs: 0 }).run();
    expect(await redo()).toBe(after);
  });

  it('checkpoints after maxAgeMs when at least minBytesForAge was written', async () => {
    if (database.engine !== 'embedded') return;
    await sql`checkpoint`.execute(database.db);
    const start = await redo();
    await sql`insert into wal_filler select g, repeat('y', 200) from generate_series(1, 5000) g`.execute(database.db);
    await task({ walBytes: 64 * 1024 * 1024, maxAgeMs: 0, minBytesForAge: 512 * 1024 }).run();
    expect(await redo()).not.toBe(start);
  });

  it('runs the embedded engine without zero-filling new WAL segments (fsync is off there)', async () => {
    if (database.engine !== 'embedded') return;
    const { rows } = await sql<{ v: string }>`select current_setting('wal_init_zero') as v, current_setting('fsync') as f`.execute(database.db);
    expect(rows[0]).toEqual({ v: 'off', f: 'off' });
  });
});
