import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Database } from './database.ts';
import { migrate, readMigrations } from './migrate.ts';
import { createTestDatabase, testEngine } from './testing.ts';

describe(`migrations (${testEngine()})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('applies every migration once and is a no-op when run again', async () => {
    expect(await migrate(database)).toEqual([]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from schema_migrations`.execute(database.db);
    expect(rows[0]?.n).toBe(readMigrations().length);
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
    await expect(migrate(database, edited)).rejects.toThrow(/changed after it was applied/);
  });

  it('rolls back a failing migration and leaves the schema as it was', async () => {
    const bad = [...readMigrations(), { version: 9999, name: 'bad', sql: 'create table t_ok (a int); select nope;', checksum: 'x' }];
    await expect(migrate(database, bad)).rejects.toThrow(/9999_bad failed/);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 't_ok'`.execute(database.db);
    expect(rows[0]?.n).toBe(0);
  });
});
