import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AuditService } from '../audit/index.ts';
import { createConstituencyRepository } from './constituency.repository.ts';
import { createExportService } from './export.service.ts';
import { createImportService } from './import/import.service.ts';
import { createLookupService } from './lookup.service.ts';
import { createOrganizationsService } from './organizations.service.ts';
import { createSectorsService } from './sectors.service.ts';

export { organizationsRoutes } from './organizations.routes.ts';
export { registryRoutes } from './registry.routes.ts';
export { demoRows } from './demo.ts';
export { scopeOf, type OrgScope } from './scope.ts';
export type { ImportResult, ImportService, ImportFormat } from './import/import.service.ts';
export type { LookupService } from './lookup.service.ts';
export type { OrganizationsService } from './organizations.service.ts';

/** Wires the constituency module: registry, lookup index, import and export. */
export function createConstituency(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; log: Logger }) {
  const repo = createConstituencyRepository();
  const lookup = createLookupService({ db: deps.db, repo, log: deps.log.child({ module: 'lookup' }) });
  const organizations = createOrganizationsService({ ...deps, repo, lookup });
  const imports = createImportService({ ...deps, repo, lookup });
  const exports = createExportService({ db: deps.db, repo });
  const sectors = createSectorsService({ db: deps.db, repo, audit: deps.audit });
  return { repo, lookup, organizations, imports, exports, sectors };
}

export type Constituency = ReturnType<typeof createConstituency>;
