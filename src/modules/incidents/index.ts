import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { AuditService } from '../audit/index.ts';
import { createIntakeService } from './incidents.intake.ts';
import { createBatchIntakeService } from './incidents.batch.ts';
import { incidentBatchRoutes } from './incidents.batch.routes.ts';
import { createMergeService } from './incidents.merge.ts';
import { createIncidentsRepository } from './incidents.repository.ts';
import { incidentsRoutes } from './incidents.routes.ts';
import { createIncidentsService } from './incidents.service.ts';
import { incidentWorkRoutes } from './incidents.work.routes.ts';
import { createWorkService } from './incidents.work.ts';
import { createClocksService, type ClockListener } from './clocks.service.ts';
import { clocksRoutes } from './clocks.routes.ts';
import { createIncidentReports } from './incidents.reports.ts';
import { incidentReportsRoutes } from './incidents.reports.routes.ts';
import type { ScheduledTask } from '../../platform/jobs/index.ts';
import type { ObservablesListener } from './incidents.observers.ts';

export type { IncidentsService } from './incidents.service.ts';
export { allowedTransitions, STATES } from './incidents.states.ts';
export type { ClockListener, ClocksService } from './clocks.service.ts';
export type { ObservablesAdded, ObservablesListener } from './incidents.observers.ts';

/** Wires the incidents module; `routes()` returns its routers for the API. */
export function createIncidents(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; clockListeners?: ClockListener[]; observablesListeners?: ObservablesListener[] }) {
  const repo = createIncidentsRepository();
  const clocks = createClocksService({ ...deps, repo, listeners: deps.clockListeners ?? [] });
  const all = { ...deps, repo, clocks };
  const incidents = createIncidentsService(all);
  const merge = createMergeService(all);
  const intake = createIntakeService(all);
  const notifyBatch = createBatchIntakeService(all);
  const work = createWorkService(all);
  return {
    repo,
    clocks,
    incidents,
    merge,
    intake,
    notifyBatch,
    work,
    routes: () => [
      incidentsRoutes({ incidents, merge, intake }),
      incidentBatchRoutes({ notifyBatch }),
      incidentWorkRoutes({ work }),
      clocksRoutes({ clocks, clock: deps.clock }),
      incidentReportsRoutes({ reports: createIncidentReports(all) }),
    ],
    tasks: (): ScheduledTask[] => [
      { name: 'incidents.clock_sweep', everyMs: 60_000, run: async () => void (await clocks.sweep()) },
      // The embedded engine has no autovacuum, so nothing else would ever give the planner statistics:
      // without them the queue's filters and search pick plans that read the whole table.
      { name: 'incidents.analyze', everyMs: 10 * 60_000, run: async () => { for (const table of await repo.staleStatistics(deps.db)) await repo.analyze(deps.db, table); } },
    ],
  };
}
export { createFromReportService, type OwnerOf } from './incidents.from-report.ts';
export { fromReportRoutes } from './incidents.from-report.routes.ts';
export { dutyEscalation } from './clocks.escalation.ts';
export { incidentAttachmentsRoutes, isIncidentAttachmentUpload } from './incidents.attachments.routes.ts';
