import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { AuditService } from '../audit/index.ts';
import type { AuthService } from '../auth/index.ts';
import type { IntelService } from '../intel/index.ts';
import type { Sharing } from '../sharing/index.ts';
import { createTaxiiAccess } from './taxii.access.ts';
import { createCursorCodec } from './taxii.cursor.ts';
import { createTaxiiReader } from './taxii.read.ts';
import { createTaxiiRepository } from './taxii.repository.ts';
import { taxiiRoutes } from './taxii.routes.ts';
import { createTaxiiWriter } from './taxii.write.ts';

export { API_ROOT, BASE } from './taxii.routes.ts';
export { TAXII_MEDIA, STIX_MEDIA } from './taxii.media.ts';
export { MAX_PAGE } from './taxii.filters.ts';
export { screenInbound, type Screened, type InboundFailure } from './taxii.inbound.ts';

/**
 * Wires the TAXII 2.1 server over the sharing module (agreements, policy, ledger) and the intel
 * store. In `createVigil` (app.ts), before the console's notFound fallback:
 *
 *     const taxii = createTaxii({ db, audit, clock, auth, sharing, intel: intel.service, maxBytes: config.maxImportBytes });
 *     app.route('/', taxii.routes()); // every path under /taxii2/
 */
export function createTaxii(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; auth: AuthService; sharing: Sharing; intel: Pick<IntelService, 'importBundle' | 'deleteVersions'>; maxBytes: number; cursorKey?: Buffer }) {
  const { db, audit, clock, sharing } = deps;
  const cursors = createCursorCodec({ db, ...(deps.cursorKey ? { key: deps.cursorKey } : {}) });
  const access = createTaxiiAccess({ db, audit, clock, sharing });
  const repo = createTaxiiRepository();
  const reader = createTaxiiReader({ db, repo, sharing, cursors });
  const writer = createTaxiiWriter({ db, repo, audit, clock, sharing, intel: deps.intel });
  return {
    access,
    reader,
    writer,
    routes: () => taxiiRoutes({ auth: deps.auth, partnerOf: (userId) => sharing.partners.partnerOfUser(userId), access, reader, writer, maxBytes: deps.maxBytes }),
  };
}

export type Taxii = ReturnType<typeof createTaxii>;
