import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { clientIp } from '../../platform/http/client-ip.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ScheduledTask } from '../../platform/jobs/index.ts';
import type { AuditService } from '../audit/index.ts';
import { createGate } from './gate.ts';
import { createIntakeService, type IntakeSettings } from './intake.service.ts';
import { createKeyring } from './keys.ts';
import { reportsPublicRoutes, type BodyLimits } from './reports.public.routes.ts';
import { createReportsRepository } from './reports.repository.ts';
import { reportsRoutes } from './reports.routes.ts';
import { createReportsService } from './reports.service.ts';

export { CATEGORIES, CATEGORY_KEYS, type CategoryKey } from './categories.ts';
export { solveChallenge } from './pow.ts';
export type { IntakeService } from './intake.service.ts';
export type { ReportsService } from './reports.service.ts';

export type ReportsLimits = BodyLimits &
  Omit<IntakeSettings, 'statusUrl'> & {
    /** Public requests (intake and status) handled at once by this process; more get 503 at once. */
    maxConcurrent: number;
  };

export const DEFAULT_REPORTS_LIMITS: ReportsLimits = Object.freeze({
  maxFiles: 5,
  maxFileBytes: 10 * 1024 * 1024,
  maxMultipartBytes: 25 * 1024 * 1024,
  maxJsonBytes: 256 * 1024,
  maxObservables: 200,
  powDifficulty: 17,
  powTtlSeconds: 30 * 60,
  reportsPerWindow: 10,
  reportWindowSeconds: 3600,
  statusFailuresPerWindow: 20,
  statusWindowSeconds: 15 * 60,
  maxConcurrent: 4,
});

export type ReportsDeps = {
  db: Kysely<DB>;
  audit: AuditService;
  clock: Clock;
  log: Logger;
  /** Where the console is reached (for the status link in the receipt); relative when unset. */
  publicUrl?: string | undefined;
  /** The caller's address for rate limits (default: the TCP peer). */
  clientIp?: (c: Context) => string;
  limits?: Partial<ReportsLimits>;
};

/**
 * Wires the public reporting module. `routes.public` (challenge, intake, status) must be mounted
 * outside the session and JSON-only body-limit middleware; `routes.analyst` inside it.
 */
export function createReports(deps: ReportsDeps) {
  const limits: ReportsLimits = { ...DEFAULT_REPORTS_LIMITS, ...deps.limits };
  const repo = createReportsRepository();
  const keys = createKeyring(deps.db, repo);
  const statusUrl = `${(deps.publicUrl ?? '').replace(/\/+$/, '')}/report/status`;
  const intake = createIntakeService({ db: deps.db, repo, audit: deps.audit, clock: deps.clock, keys, settings: { ...limits, statusUrl }, log: deps.log.child({ module: 'reports' }) });
  const reports = createReportsService({ db: deps.db, repo, audit: deps.audit, clock: deps.clock });
  const gate = createGate(limits.maxConcurrent);
  const tasks: ScheduledTask[] = [{ name: 'reports.purge_throttles', everyMs: 3600_000, run: () => intake.purge() }];
  return {
    service: { intake, reports },
    routes: {
      public: () => reportsPublicRoutes({ intake, gate, limits, clientIp: deps.clientIp ?? clientIp }),
      analyst: () => reportsRoutes({ reports }),
    },
    tasks,
    limits,
  };
}

export type Reports = ReturnType<typeof createReports>;
export { sniffType } from './sniff.ts';
