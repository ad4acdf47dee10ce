import type { Kysely } from 'kysely';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { enqueue, type AnyJob, type ScheduledTask } from '../../../platform/jobs/index.ts';
import type { AuditService } from '../../audit/index.ts';
import type { NotifyService } from '../../notify/index.ts';
import { createDigestJob } from './digests.jobs.ts';
import { createDigestsRepository } from './digests.repository.ts';
import { digestsRoutes } from './digests.routes.ts';
import { createDigestsService } from './digests.service.ts';
import { createEventsRepository } from './events.repository.ts';
import { eventsRoutes } from './events.routes.ts';
import { feedStatusRoutes } from './feed-status.routes.ts';
import { createEventsService } from './events.service.ts';
import { createMetricsRepository } from './metrics.repository.ts';
import { metricsRoutes } from './metrics.routes.ts';
import { createMetricsService } from './metrics.service.ts';

export { DIGEST_JOB } from './digests.jobs.ts';
export { toIntelmqLine, toCsvLine, CSV_COLUMNS, type StoredEvent } from './events.format.ts';
export type { DigestsService } from './digests.service.ts';
export type { EventsService } from './events.service.ts';

/**
 * Wires the pipeline outputs: events APIs (/events, /me/events), per-organization digests (schedule,
 * task, job, sent log) and /metrics. In `createVigil` (app.ts):
 *
 *     const outputs = createOutputs({ db, audit, clock, notify: notify.service, publicUrl: config.publicUrl });
 *     jobs.push(...outputs.jobs); tasks.push(...outputs.tasks);
 *     for (const r of outputs.routes()) api.route('/', r);
 *     app.route('/', outputs.metricsRoutes(authMiddleware(auth), config.metricsToken));
 */
export function createOutputs(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; notify: NotifyService; publicUrl: string | undefined }) {
  const { db, audit, clock, notify } = deps;
  const eventsRepo = createEventsRepository();
  const events = createEventsService({ db, repo: eventsRepo });
  // The job calls the service and the service queues the job: the closure is only run later.
  const digestJob = createDigestJob((id) => digests.build(id));
  const digests = createDigestsService({
    db,
    repo: createDigestsRepository(),
    events: eventsRepo,
    notify,
    audit,
    clock,
    publicUrl: deps.publicUrl,
    queue: (tx, digestId) => enqueue(tx, clock, digestJob, { digestId }, { dedupeKey: `digest:${digestId}` }),
  });
  const metrics = createMetricsService({ db, repo: createMetricsRepository(), clock });
  const tasks: ScheduledTask[] = [
    {
      name: 'pipeline.digests_due',
      everyMs: 60_000,
      run: async () => {
        await digests.queueDue();
      },
    },
  ];
  return {
    events,
    digests,
    metrics,
    jobs: [digestJob] as AnyJob[],
    tasks,
    routes: () => [eventsRoutes({ events, clock }), digestsRoutes({ digests }), feedStatusRoutes({ metrics, clock })],
    metricsRoutes: (authenticate: MiddlewareHandler<AppEnv>, token: string | undefined) => metricsRoutes({ metrics, authenticate, token }),
  };
}

export type Outputs = ReturnType<typeof createOutputs>;
