import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import type { Family, Sample } from './metrics.format.ts';
import type { MetricsRepository } from './metrics.repository.ts';

type FeedRow = Awaited<ReturnType<MetricsRepository['feeds']>>[number];

const seconds = (d: Date | null) => (d ? d.getTime() / 1000 : 0);

function feedFamilies(rows: FeedRow[], now: Date): Family[] {
  const per = (pick: (r: FeedRow) => number): Sample[] => rows.map((r) => ({ labels: { feed: r.name, kind: r.kind }, value: pick(r) }));
  const g = (name: string, help: string, pick: (r: FeedRow) => number, type: Family['type'] = 'gauge'): Family => ({ name, help, type, samples: per(pick) });
  return [
    g('vigil_feed_enabled', '1 when the feed is enabled', (r) => (r.is_enabled ? 1 : 0)),
    g('vigil_feed_last_run_timestamp_seconds', 'When the feed last ran or received a report (Unix time; 0 = never)', (r) => seconds(r.last_run_at)),
    g('vigil_feed_reports_total', 'Reports the feed stored', (r) => Number(r.reports_total), 'counter'),
    g('vigil_feed_events_total', 'Events the feed produced', (r) => Number(r.events_total), 'counter'),
    g('vigil_feed_errors_total', 'Lines and runs of the feed that failed', (r) => Number(r.errors_total), 'counter'),
    g('vigil_feed_last_report_events_per_second', 'Processing rate of the last finished report', (r) => r.last_report_events_per_sec ?? 0),
    g('vigil_feed_queue_chunks', 'Chunks waiting or being processed (queue depth)', (r) => (r.queued_chunks ?? 0) + (r.running_chunks ?? 0)),
    g('vigil_feed_queue_bytes', 'Bytes of the chunks waiting or being processed', (r) => Number(r.queued_bytes ?? 0)),
    g('vigil_feed_lag_seconds', 'Age of the oldest chunk still waiting or being processed (0 = none)', (r) => (r.oldest_queued_at ? Math.max(0, (now.getTime() - r.oldest_queued_at.getTime()) / 1000) : 0)),
    g('vigil_feed_dead_chunks', 'Chunks given up on after their last attempt (dead letters)', (r) => r.dead_chunks ?? 0),
  ];
}

/** Builds the metric families of /metrics from the database, on each scrape. */
export function createMetricsService(deps: { db: Kysely<DB>; repo: MetricsRepository; clock: Clock }) {
  const { db, repo, clock } = deps;
  return {
    /** Per-feed counters and queue figures (also the console's feed status). */
    feedRows: () => repo.feeds(db),

    async collect(): Promise<Family[]> {
      const [feeds, outbox, jobs] = await Promise.all([repo.feeds(db), repo.outboxByStatus(db), repo.jobsByState(db)]);
      const byState = (state: string) => jobs.filter((j) => j.state === state).map((j) => ({ labels: { job: j.name }, value: Number(j.count) }));
      return [
        ...feedFamilies(feeds, clock.now()),
        {
          name: 'vigil_outbox_notifications',
          help: 'Notifications not sent (yet): pending ones wait for delivery or a retry, failed ones were given up',
          type: 'gauge',
          samples: ['email', 'webhook'].flatMap((channel) =>
            (['pending', 'failed'] as const).map((status) => ({ labels: { channel, status }, value: Number(outbox.find((o) => o.channel === channel && o.status === status)?.count ?? 0) })),
          ),
        },
        { name: 'vigil_jobs_queued', help: 'Background jobs waiting to run, by job name', type: 'gauge', samples: byState('queued') },
        { name: 'vigil_jobs_running', help: 'Background jobs being run, by job name', type: 'gauge', samples: byState('running') },
        { name: 'vigil_jobs_dead', help: 'Background jobs given up on, by job name', type: 'gauge', samples: byState('dead') },
      ];
    },
  };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
