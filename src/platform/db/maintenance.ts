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

/**
 * VACUUM (ANALYZE) of the hot tables every 3 hours, on the embedded engine only. PGlite runs no
 * autovacuum worker: without this, dead rows of updated and deleted rows (jobs, sessions,
 * throttles, incident updates) are never reclaimed, the GIN search index's pending list is only
 * merged by the inserts that overflow it, and the visibility map never lets index-only scans skip
 * the heap. A PostgreSQL server's autovacuum does all of it, so there no task is scheduled.
 * The embedded engine has one connection: each table is vacuumed on its own, so other work
 * waits for one table at a time, not for the whole round.
 */
export function embeddedMaintenance(deps: { db: Kysely<DB>; engine: Engine; log?: Logger; tables?: readonly string[] }): ScheduledTask[] {
  if (deps.engine !== 'embedded') return [];
  const tables = deps.tables ?? HOT_TABLES;
  return [
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
