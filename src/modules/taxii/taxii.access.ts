import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { toAgreement, type Agreement, type AgreementRow, type Sharing } from '../sharing/index.ts';

export type Caller = { partnerId: string | null; actor: Actor; log: Logger };
export type Granted = { agreement: Agreement; row: AgreementRow; partnerActive: boolean };

/** A TAXII collection resource of an agreement. */
export function collectionResource(row: AgreementRow) {
  return {
    id: row.collection_id,
    title: row.title,
    description: row.purpose,
    can_read: row.direction !== 'inbound',
    can_write: row.direction !== 'outbound',
    media_types: ['application/stix+json;version=2.1'],
  };
}

export type TaxiiAccess = ReturnType<typeof createTaxiiAccess>;

/**
 * Which collections a caller may see (one per agreement of its partner that is in force now) and
 * the check behind every collection route. A collection outside the caller's agreements is a 404
 * (it may not learn that it exists); its own agreement's collection that is not in force, or a
 * read/write it lacks the right for, is a 403. Every refusal is audited and logged.
 */
export function createTaxiiAccess(deps: { db: Kysely<DB>; audit: AuditService; clock: Clock; sharing: Pick<Sharing, 'agreements' | 'partners'> }) {
  const { db, audit, clock, sharing } = deps;

  const inForce = (row: AgreementRow, partnerActive: boolean) => {
    const now = clock.now();
    return partnerActive && row.status === 'active' && row.valid_from <= now && (!row.valid_until || row.valid_until > now);
  };

  async function deny(caller: Caller, collectionId: string, err: AppError): Promise<never> {
    caller.log.warn({ collectionId, partnerId: caller.partnerId, code: err.code }, 'taxii collection access refused');
    await db.transaction().execute((tx) =>
      audit.append(tx, caller.actor, { action: 'taxii.access_denied', entityType: 'taxii_collection', entityId: collectionId, after: { partnerId: caller.partnerId, code: err.code, status: err.status } }),
    );
    throw err;
  }

  async function partnerState(partnerId: string) {
    const partner = await sharing.partners.get(partnerId);
    return { active: partner.status === 'active', rows: await sharing.agreements.ofPartner(partnerId) };
  }

  return {
    async collections(caller: Caller): Promise<AgreementRow[]> {
      if (!caller.partnerId) return [];
      const { active, rows } = await partnerState(caller.partnerId);
      return rows.filter((r) => inForce(r, active));
    },

    async resolve(caller: Caller, collectionId: string, need: 'read' | 'write' | 'see'): Promise<Granted> {
      const notFound = new AppError('taxii.collection_not_found', 'No such collection', 404);
      if (!caller.partnerId || !/^[0-9a-f-]{36}$/.test(collectionId)) return deny(caller, collectionId, notFound);
      const { active, rows } = await partnerState(caller.partnerId);
      const row = rows.find((r) => r.collection_id === collectionId);
      if (!row) return deny(caller, collectionId, notFound);
      if (!inForce(row, active)) return deny(caller, collectionId, new AppError('taxii.agreement_not_in_force', 'The agreement behind this collection is not in force', 403));
      if (need === 'read' && row.direction === 'inbound') return deny(caller, collectionId, new AppError('taxii.read_not_allowed', 'This collection may not be read', 403));
      if (need === 'write' && row.direction === 'outbound') return deny(caller, collectionId, new AppError('taxii.write_not_allowed', 'This collection may not be written to', 403));
      return { agreement: toAgreement(row), row, partnerActive: active };
    },
  };
}
