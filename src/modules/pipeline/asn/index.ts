/** The ASN / country prefix table of the pipeline: import, stats, in-memory table, expert. */
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { DB } from '../../../platform/db/schema.ts';
import type { Logger } from '../../../platform/logger.ts';
import type { AuditService } from '../../audit/index.ts';
import { createAsnRepository } from './asn.repository.ts';
import { asnRoutes } from './asn.routes.ts';
import { createAsnService, type AsnService } from './asn.service.ts';
import './asn.tables.ts';

export { enrichAsn, type AsnInfo, type AsnTable } from './asn-expert.ts';
export { importPrefixesFile } from './asn.cli.ts';
export { ASN_IMPORT_MEDIA_TYPES, asnRoutes } from './asn.routes.ts';
export { SAMPLE_FILE, type AsnImportSummary, type AsnService, type AsnStats } from './asn.service.ts';
export { parseOrigin, parsePfx2asLine, readLines, type Pfx2asError, type Pfx2asRow } from './pfx2as.ts';
export { PrefixLpm, PrefixLpmBuilder } from './prefix-lpm.ts';

/** Wires the prefix table: service (import, stats, table) and its routes. */
export function createAsnPrefixes(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; log: Logger }) {
  const service = createAsnService({ ...deps, repo: createAsnRepository(), log: deps.log.child({ module: 'asn' }) });
  return { service, routes: () => asnRoutes({ asn: service }) };
}

/** Loads the shipped sample prefix table at first start (when none was ever imported); true when it did. */
export function seedAsnSample(asn: AsnService): Promise<boolean> {
  return asn.seedIfEmpty();
}
