import { sql, type Kysely } from 'kysely';
import type { ScheduledTask } from '../jobs/index.ts';
import type { Logger } from '../logger.ts';
import type { Engine } from './database.ts';
import type { DB } from './schema.ts';

/** The tables that take most writes: intake, audit, queues and throttles. */
export const HOT_TABLES = [
  'incidents', 'incident_observables', 'incident_clocks', 'incident_timeline', 'audit_log',
  'jobs', 'notifications', 'alerts', 'sessions', 'login_throttle', 'report_rate', 'report_pow_spent',
] as const;

const EVERY_MS = 3 * 3600_000;

/** When the embedded engine checkpoints: WAL written since the last checkpoint, and its age. */
export type CheckpointPolicy = { everyMs: number; walBytes: number; maxAgeMs: number; minBytesForAge: number };
export const CHECKPOINT_POLICY: CheckpointPolicy = { everyMs: 30_000, walBytes: 128 * 1024 * 1024, maxAgeMs: 5 * 60_000, minBytesForAge: 1024 * 1024 };

/**
 * VACUUM (ANALYZE) of the hot tables every 3 hours, on the embedded engine only. PGlite runs no
 * autovacuum worker: without this, dead rows of updated and deleted rows (jobs, sessions,
 * throttles, incident updates) are never reclaimed, the GIN search index's pending list is only
 * merged by the inserts that overflow it, and the visibility map never lets index-only scans skip
 * the heap. A PostgreSQL server's autovacuum does all of it, so there no task is scheduled.
 * The embedded engine has one connection: each table is vacuumed on its own, so other work
 * waits for one table at a time, not for the whole round.
 */
export function embeddedMaintenance(deps: { db: Kysely<DB>; engine: Engine; log?: Logger; tables?: readonly string[]; checkpoint?: CheckpointPolicy }): ScheduledTask[] {
  if (deps.engine !== 'embedded') return [];
  const tables = deps.tables ?? HOT_TABLES;
  return [
    checkpointTask(deps.db, deps.checkpoint ?? CHECKPOINT_POLICY, deps.log),
    {
      name: 'db.vacuum_embedded',
      everyMs: EVERY_MS,
      run: async () => {
        const started = performance.now();
        const { rows } = await sql<{ relname: string }>`select relname from pg_stat_user_tables where relname = any(${[...tables]}::text[])`.execute(deps.db);
        for (const { relname } of rows) await sql`vacuum (analyze) ${sql.table(relname)}`.execute(deps.db);
        deps.log?.info({ tables: rows.length, ms: Math.round(performance.now() - started) }, 'embedded database vacuumed');
      },
    },
  ];
}

/**
 * CHECKPOINT of the embedded engine once `walBytes` of WAL were written since the last one, or
 * after `maxAgeMs` if anything was. PGlite runs PostgreSQL in single-user mode, which has no
 * checkpointer: left alone, it checkpoints only when it shuts down cleanly, so its WAL directory
 * grows without bound (measured: 1.3 GB after 2.4M rows, max_wal_size notwithstanding), every new
 * 16 MB segment is a file created rather than a recycled one, and a crash replays all the WAL
 * since the server started. A checkpoint holds the engine's one connection while it writes the
 * dirty buffers, at most the 128 MB of shared buffers (measured: 0.13 s after 2.4M rows of inserts).
 */
function checkpointTask(db: Kysely<DB>, policy: CheckpointPolicy, log?: Logger): ScheduledTask {
  return {
    name: 'db.checkpoint_embedded',
    everyMs: policy.everyMs,
    run: async () => {
      const { rows } = await sql<{ wal: number; age_ms: number }>`
        select (pg_current_wal_lsn() - redo_lsn)::float8 as wal, (extract(epoch from clock_timestamp() - checkpoint_time) * 1000)::float8 as age_ms
          from pg_control_checkpoint()`.execute(db);
      const { wal = 0, age_ms: age = 0 } = rows[0] ?? {};
      if (wal < policy.walBytes && (age < policy.maxAgeMs || wal < policy.minBytesForAge)) return;
      const started = performance.now();
      await sql`checkpoint`.execute(db);
      log?.info({ walBytes: wal, ageMs: Math.round(age), ms: Math.round(performance.now() - started) }, 'embedded database checkpoint');
    },
  };
}
