import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './lock.ts';
import { PglitePool, pgliteParsers } from './pglite-pool.ts';
import { pgliteWasmModules } from './pglite-wasm.ts';
import type { DB } from './schema.ts';

export type Engine = 'embedded' | 'postgres';

/** A raw connection for scripts (migrations): parameterless multi-statement SQL is allowed. */
export type RawClient = {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[] }>;
  release(): void;
};

export type Database = {
  db: Kysely<DB>;
  engine: Engine;
  /** Borrow one connection (the only one, on the embedded engine). */
  connect(): Promise<RawClient>;
  close(): Promise<void>;
};

// pg returns int8 and numeric as strings by default; Vigil's int8 columns are sequences and counts.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

const embedded = new WeakMap<Kysely<DB>, PGlite>();

/**
 * The PGlite instance behind an embedded database (null on a PostgreSQL server), for what the
 * pg-style adapter cannot carry (COPY ... FROM '/dev/blob'). PGlite has ONE session, which the
 * pool's mutex hands to one Kysely connection or transaction at a time: call it only from inside
 * a transaction (or connection) of `db`, so that the statement runs in that transaction.
 */
export function embeddedPglite(db: Kysely<DB>): PGlite | null {
  return embedded.get(db) ?? null;
}

export type OpenOptions = {
  databaseUrl?: string | undefined;
  /** Data directory of the embedded engine; `memory://` or undefined keeps it in memory. */
  dataDir?: string | undefined;
  poolMax?: number;
};

/**
 * PGlite's start parameters plus ours. PGlite runs PostgreSQL in single-user mode with fsync off
 * (`-F`), so no WAL segment needs filling with zeroes before use: that only pre-allocates disk
 * blocks for fdatasync, which never runs here, and it cost the commit that opens a new 16 MB
 * segment ~40 ms (one TAXII page in a hundred, each page's ledger row being ~150 KB of WAL).
 * Single-user mode has no checkpointer either: maintenance.ts checkpoints.
 */
export const PGLITE_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams, '-c', 'wal_init_zero=off'];

/**
 * Opens the database: a PostgreSQL server through a pool when `databaseUrl` is set, otherwise the
 * embedded PGlite engine persisted under `dataDir/pg`. Both are driven through the same Kysely
 * PostgreSQL dialect, so there is one SQL dialect and one set of migrations.
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolMax ?? 10 });
    pool.on('error', () => {
      // An idle client lost its server; the pool replaces it on the next checkout.
    });
    await pool.query('select 1');
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      engine: 'postgres',
      connect: () => pool.connect(),
      close: () => db.destroy(),
    };
  }
  const dir = options.dataDir && options.dataDir !== 'memory://' ? path.join(options.dataDir, 'pg') : undefined;
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const unlock = dir ? lockDataDir(options.dataDir as string) : () => undefined;
  let pglite: PGlite;
  try {
    const fresh = !dir || !fs.existsSync(path.join(dir, 'PG_VERSION'));
    pglite = await PGlite.create(dir, { parsers: pgliteParsers, startParams: [...PGLITE_START_PARAMS], ...(await pgliteWasmModules(fresh)) });
  } catch (err) {
    unlock();
    throw err;
  }
  const pool = new PglitePool(pglite);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as never }) });
  embedded.set(db, pglite);
  return {
    db,
    engine: 'embedded',
    connect: () => pool.connect(),
    close: async () => {
      await db.destroy();
      unlock();
    },
  };
}
