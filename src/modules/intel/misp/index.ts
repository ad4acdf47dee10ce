import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import type { ScheduledTask } from '../../../platform/jobs/index.ts';
import type { Logger } from '../../../platform/logger.ts';
import type { AuditService } from '../../audit/index.ts';
import type { IntelService } from '../intel.service.ts';
import { createMispFeeds } from './misp.feeds.ts';
import { createMispRepository } from './misp.repository.ts';
import { mispRoutes } from './misp.routes.ts';
import { createMispService } from './misp.service.ts';
import './misp.tables.ts';

export { MISP_EVENTS_PATH } from './misp.routes.ts';
export { mispEventToStix } from './misp.map.ts';

/**
 * MISP interop of the intel module: event import, the store as a MISP feed (TLP per viewer), and
 * partners' MISP feeds imported on a schedule (through the pipeline's SSRF-guarded fetch).
 */
export function createMisp(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; log: Logger; intel: IntelService; allowPrivateUrls: boolean; maxBytes: number; maxEvents?: number }) {
  const misp = createMispService({ intel: deps.intel, maxEvents: deps.maxEvents ?? 10_000 });
  const feeds = createMispFeeds({ db: deps.db, repo: createMispRepository(), audit: deps.audit, clock: deps.clock, log: deps.log.child({ module: 'misp' }), misp, policy: { allowPrivate: deps.allowPrivateUrls }, maxEventBytes: deps.maxBytes });
  const task: ScheduledTask = { name: 'intel.misp_feeds', everyMs: 60_000, run: async () => void (await feeds.runDue()) };
  return { service: misp, feeds, task, routes: () => mispRoutes({ misp, feeds, maxBytes: deps.maxBytes }) };
}

export type Misp = ReturnType<typeof createMisp>;
