import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';

/** The figures /metrics exposes, read in a few aggregate queries. */
export function createMetricsRepository() {
  return {
    feeds: (db: Kysely<DB>) =>
      db
        .selectFrom('feeds as f')
        .leftJoin('feed_queue_status as q', 'q.feed_id', 'f.id')
        .select([
          'f.id',
          'f.name',
          'f.kind',
          'f.is_enabled',
          'f.last_run_at',
          'f.reports_total',
          'f.events_total',
          'f.errors_total',
          'f.last_report_events_per_sec',
          'q.queued_chunks',
          'q.running_chunks',
          'q.dead_chunks',
          'q.queued_bytes',
          'q.oldest_queued_at',
        ])
        .orderBy('f.name')
        .execute(),

    outboxByStatus: (db: Kysely<DB>) =>
      db
        .selectFrom('notifications')
        .select(['channel', 'status'])
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('status', '<>', 'sent')
        .groupBy(['channel', 'status'])
        .execute(),

    jobsByState: (db: Kysely<DB>) =>
      db
        .selectFrom('jobs')
        .select(['name', 'state'])
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .groupBy(['name', 'state'])
        .execute(),
  };
}

export type MetricsRepository = ReturnType<typeof createMetricsRepository>;
