import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { AuditService } from '../audit/index.ts';
import type { UsersService } from '../auth/index.ts';
import type { Constituency } from '../constituency/index.ts';
import type { IntelService } from '../intel/index.ts';
import { constituencyPort, intelStorePort } from './adapters.ts';
import { createAgreementsService } from './agreements.service.ts';
import { createSharingEngine } from './engine.ts';
import { createLedgerRepository } from './ledger.repository.ts';
import { ledgerRoutes } from './ledger.routes.ts';
import { createLedgerService } from './ledger.service.ts';
import { createPartnersRepository } from './partners.repository.ts';
import { createPartnersService } from './partners.service.ts';
import { createPreviewService } from './preview.service.ts';
import { sharingRoutes } from './sharing.routes.ts';

export { decide, hardRule, agreementStanding, type Agreement, type Candidate, type Decision, type PolicyContext } from './policy.ts';
export { sanitize, generalizeAddress, type SanitizeRules, type ConstituencyView } from './sanitize.ts';
export { toAgreement } from './sharing.mappers.ts';
export { versionOf } from './adapters.ts';
export { TLP_LEVELS, scoId, type StixObject, type Tlp } from './stix-facets.ts';
export type { StoredVersion, IntelStorePort, VersionMatch } from './ports.ts';
export type { Evaluated, SharingEngine } from './engine.ts';
export type { LedgerService, LedgerVerifyResult, DepartureBatch } from './ledger.service.ts';
export type { AgreementRow, PartnerRow } from './sharing.tables.ts';

/**
 * Wires the sharing module: partners and their accounts, agreements, the policy engine over the
 * intel store, the preview and the outbound ledger. In `createVigil` (app.ts):
 *
 *     const sharing = createSharing({ db, audit, clock, users, intel: intel.service, constituency });
 *     for (const router of sharing.routes()) api.route('/', router);
 */
export function createSharing(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; users: Pick<UsersService, 'createIn'>; intel: Pick<IntelService, 'listObjects' | 'latestOf'>; constituency: Pick<Constituency, 'lookup' | 'repo'> }) {
  const { db, audit, clock } = deps;
  const repo = createPartnersRepository();
  const store = intelStorePort(deps.intel);
  const engine = createSharingEngine({ store, constituency: constituencyPort(db, deps.constituency), clock });
  const partners = createPartnersService({ db, repo, audit, clock, users: deps.users });
  const agreements = createAgreementsService({ db, repo, audit, clock });
  const preview = createPreviewService({ store, engine, partners, agreements, clock });
  const ledger = createLedgerService({ repo: createLedgerRepository(), clock });
  return {
    partners,
    agreements,
    engine,
    store,
    preview,
    ledger,
    /** `vigil ledger verify` and `GET /api/v1/ledger/verify`: the first broken row, if any. */
    verifyLedger: () => ledger.verify(db),
    routes: () => [sharingRoutes({ partners, agreements, preview }), ledgerRoutes({ db, ledger })],
  };
}

export type Sharing = ReturnType<typeof createSharing>;
