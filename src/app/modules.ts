import { systemClock, type Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { createClientIp } from '../platform/http/client-ip.ts';
import type { Logger } from '../platform/logger.ts';
import { createAuditRepository, createAuditService } from '../modules/audit/index.ts';
import { createApiKeysService, createAuthRepository, createAuthService, createUsersService } from '../modules/auth/index.ts';
import { createCentersRepository, createCentersService, silenceEmail } from '../modules/centers/index.ts';
import { createConstituency } from '../modules/constituency/index.ts';
import { createFromReportService, createIncidents, dutyEscalation } from '../modules/incidents/index.ts';
import { createNotify } from '../modules/notify/index.ts';
import { createReports } from '../modules/reports/index.ts';
import { createIntel, createMisp } from '../modules/intel/index.ts';
import { createSharing } from '../modules/sharing/index.ts';
import { createTaxii } from '../modules/taxii/index.ts';
import { createTaxiiClient } from '../modules/taxii-client/index.ts';
import { createAsnPrefixes, createOutputs, createPipeline } from '../modules/pipeline/index.ts';

export type VigilDeps = { config: Config; database: Database; log: Logger; clock?: Clock };

/** Builds every module once, each with exactly the collaborators it needs (house style rule 2). */
export function createModules(deps: VigilDeps) {
  const { config, database, log } = deps;
  const db = database.db;
  const clock = deps.clock ?? systemClock;
  const audit = createAuditService({ repo: createAuditRepository(), clock });
  const authRepo = createAuthRepository();
  const auth = createAuthService({ db, repo: authRepo, audit, clock, settings: config });
  const users = createUsersService({ db, repo: authRepo, audit, clock });
  const apiKeys = createApiKeysService({ db, repo: authRepo, audit, clock });
  const notify = createNotify({ db, audit, clock, log, config });
  const centers = createCentersService({ db, repo: createCentersRepository(), audit, clock, silenceListeners: [silenceEmail(notify.service)] });
  const constituency = createConstituency({ db, audit, clock, log });
  const intel = createIntel({ db, audit, clock, log, defaultTlp: config.intelDefaultTlp, maxBundleBytes: config.maxStixBundleBytes });
  // New incident observables are correlated with stored intel in the incident's own transaction.
  const observablesListeners = [intel.service.correlateIncidents];
  const incidents = createIncidents({ db, audit, clock, clockListeners: [dutyEscalation(notify.service)], observablesListeners });
  const clientIp = createClientIp(config.trustedProxies);
  const reports = createReports({ db, audit, clock, log, publicUrl: config.publicUrl, clientIp });
  const ownerOf = async (q: string) => (await constituency.lookup.lookup(q, { kind: 'all' })).matches[0]?.organization.id ?? null;
  const fromReport = createFromReportService({ db, audit, clock, repo: incidents.repo, clocks: incidents.clocks, ownerOf, observablesListeners });
  const sharing = createSharing({ db, audit, clock, users, intel: intel.service, constituency });
  const taxii = createTaxii({ db, audit, clock, auth, sharing, intel: intel.service, maxBytes: config.maxStixBundleBytes });
  const misp = createMisp({ db, audit, clock, log, intel: intel.service, allowPrivateUrls: config.intelAllowPrivateUrls, maxBytes: config.maxStixBundleBytes });
  const taxiiClient = createTaxiiClient({ db, audit, clock, log, sharing, intel: intel.service, config });
  const asnPrefixes = createAsnPrefixes({ db, audit, clock, log });
  const lookup = () => constituency.lookup.fresh();
  const pipeline = createPipeline({ db, audit, clock, log, config, incidents, lookup, asn: () => asnPrefixes.service.table() });
  const outputs = createOutputs({ db, audit, clock, notify: notify.service, publicUrl: config.publicUrl });
  return {
    ...{ config, database, log, db, clock, audit, auth, users, apiKeys, notify, centers, constituency, incidents, clientIp, reports, fromReport },
    ...{ intel, sharing, taxii, misp, taxiiClient, asnPrefixes, pipeline, outputs },
  };
}

export type Modules = ReturnType<typeof createModules>;
