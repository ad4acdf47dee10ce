import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { embeddedPglite } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { ScheduledTask } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AuditService } from '../audit/index.ts';
import { createCorrelateRepository } from './correlate.repository.ts';
import { createIntelRepository } from './intel.repository.ts';
import { intelRoutes } from './intel.routes.ts';
import { objectDetailsRoutes } from './object-details.routes.ts';
import { createIntelService } from './intel.service.ts';
import { correlateNewEventsTask } from './correlate.events-task.ts';
import type { Tlp } from './intel.tables.ts';

export type { Tlp, Pap, StixRow } from './intel.tables.ts';
export type { ImportResult, ImportOptions, IntelService } from './intel.service.ts';
export type { DeleteVersionsInput, DeleteVersionsResult } from './intel.delete.ts';
export type { ChunkEvent, NewItem, NewCorrelations, StoredEvent } from './correlate.new.ts';
export type { ListFilter, VersionMatch } from './intel.repository.ts';
export { versionCondition } from './intel.repository.ts';
export type { Rejection, StixObject, Validated } from './stix.validate.ts';
export { validateObject } from './stix.validate.ts';
export { toBundle } from './stix.export.ts';
export { schemaValidator } from './stix.schemas.ts';
export { deterministicId } from './stix.ids.ts';
export { TLP_ORDER, TLP2_MARKING_IDS, TLP2_EXTENSION, tlpMarkingDefinition, tlpOfMarkingId, parseTlp, parsePap, stricter, tlpUpTo, isTlpMarkingId } from './tlp.ts';
export { tlpOf } from './stix.tlp-of.ts';
export { tlpAllowedFor } from './intel.access.ts';
export { bundleObjects } from './stix.bundle.ts';
export { createMisp, mispEventToStix, MISP_EVENTS_PATH, type Misp } from './misp/index.ts';

/** Default N of the correlation cap: samples kept per intel object and target kind. */
export const DEFAULT_CORRELATION_CAP = 50;

/** Wires the intel module: the STIX store service and its routes. */
export function createIntel(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; log: Logger; defaultTlp?: Tlp; correlationCap?: number; maxBundleBytes?: number }) {
  const service = createIntelService({
    ...deps,
    repo: createIntelRepository(),
    correlate: createCorrelateRepository({ pglite: embeddedPglite(deps.db) }),
    defaultTlp: deps.defaultTlp ?? 'amber',
    correlationCap: deps.correlationCap ?? DEFAULT_CORRELATION_CAP,
  });
  const routes = () => {
    const router = intelRoutes({ intel: service, maxBundleBytes: deps.maxBundleBytes ?? 50 * 1024 * 1024 });
    router.route('/', objectDetailsRoutes({ db: deps.db, intel: service }));
    return router;
  };
  const tasks: ScheduledTask[] = [correlateNewEventsTask({ db: deps.db, clock: deps.clock, log: deps.log.child({ module: 'intel' }), correlateEvents: service.correlateEvents })];
  return { service, routes, tasks };
}

export type Intel = ReturnType<typeof createIntel>;
