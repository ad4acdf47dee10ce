import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from './database.ts';
import { migrate } from './migrate.ts';

/**
 * A fresh, migrated database for one test file: the embedded engine in memory by default, or a new
 * database on the PostgreSQL server named by `VIGIL_TEST_DATABASE_URL` (dropped again on close).
 */
export async function createTestDatabase(dataDir = 'memory://'): Promise<Database> {
  const server = await createServerTestDatabase();
  if (!server) {
    const database = await openDatabase({ dataDir });
    await migrate(database);
    return database;
  }
  const database = await openDatabase({ databaseUrl: server.url, poolMax: 5 });
  await migrate(database);
  return {
    ...database,
    async close() {
      await database.close();
      await server.drop();
    },
  };
}

/** A new empty database on the test PostgreSQL server, or null when none is configured. */
export async function createServerTestDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const serverUrl = process.env.VIGIL_TEST_DATABASE_URL;
  return serverUrl ? createServerDatabase(serverUrl, 'vigil_test') : null;
}

/** A new empty database `<prefix>_<random>` on the PostgreSQL server at `serverUrl` (tests, benchmarks), and how to drop it. */
export async function createServerDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

/** The engine the test suite runs on, for test names. */
export function testEngine(): string {
  return process.env.VIGIL_TEST_DATABASE_URL ? 'postgres' : 'embedded';
}
