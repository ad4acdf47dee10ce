import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { PartnersRepository } from './partners.repository.ts';
import type { AgreementInputT, AgreementPatchT } from './sharing.schemas.ts';
import type { AgreementRow } from './sharing.tables.ts';

export type AgreementsService = ReturnType<typeof createAgreementsService>;

function checkPeriod(validFrom: Date, validUntil: Date | null): void {
  if (validUntil && validUntil <= validFrom) {
    throw new AppError('validation.failed', 'The request is not valid', 400, { issues: [{ path: 'validUntil', message: 'must be after validFrom' }] });
  }
}

const uniq = <T>(v: readonly T[] | null): T[] | null => (v ? [...new Set(v)] : null);

/** Agreements: each one is enforceable policy and one TAXII collection with a stable id. */
export function createAgreementsService(deps: { db: Kysely<DB>; repo: PartnersRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;

  async function partnerExists(tx: Kysely<DB>, partnerId: string) {
    if (!(await repo.findPartner(tx, partnerId))) throw notFound('partner.not_found', 'Partner not found');
  }

  return {
    async list(partnerId: string): Promise<AgreementRow[]> {
      await partnerExists(db, partnerId);
      return repo.listAgreements(db, partnerId);
    },

    async get(partnerId: string, id: string): Promise<AgreementRow> {
      const row = await repo.findAgreement(db, id);
      if (!row || row.partner_id !== partnerId) throw notFound('agreement.not_found', 'Agreement not found');
      return row;
    },

    async create(partnerId: string, input: AgreementInputT, actor: Actor): Promise<AgreementRow> {
      const validFrom = new Date(input.validFrom);
      const validUntil = input.validUntil ? new Date(input.validUntil) : null;
      checkPeriod(validFrom, validUntil);
      const now = clock.now();
      const row: AgreementRow = {
        id: randomUUID(),
        partner_id: partnerId,
        collection_id: randomUUID(),
        title: input.title,
        purpose: input.purpose,
        direction: input.direction,
        tlp_levels: [...new Set(input.tlpLevels)],
        rsit_classes: uniq(input.rsitClasses),
        object_types: uniq(input.objectTypes),
        sectors: uniq(input.sectors),
        community: input.community,
        constituent_identities: input.constituentIdentities,
        constituent_addresses: input.constituentAddresses,
        valid_from: validFrom,
        valid_until: validUntil,
        status: 'active',
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (tx) => {
        await partnerExists(tx, partnerId);
        await repo.insertAgreement(tx, row);
        await audit.append(tx, actor, { action: 'agreement.created', entityType: 'sharing_agreement', entityId: row.id, after: row });
      });
      return row;
    },

    async update(partnerId: string, id: string, patch: AgreementPatchT, actor: Actor): Promise<AgreementRow> {
      return db.transaction().execute(async (tx) => {
        const before = await repo.findAgreement(tx, id);
        if (!before || before.partner_id !== partnerId) throw notFound('agreement.not_found', 'Agreement not found');
        const validFrom = patch.validFrom !== undefined ? new Date(patch.validFrom) : before.valid_from;
        const validUntil = patch.validUntil !== undefined ? (patch.validUntil ? new Date(patch.validUntil) : null) : before.valid_until;
        checkPeriod(validFrom, validUntil);
        const after = await repo.updateAgreement(tx, id, {
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.purpose !== undefined ? { purpose: patch.purpose } : {}),
          ...(patch.direction !== undefined ? { direction: patch.direction } : {}),
          ...(patch.tlpLevels !== undefined ? { tlp_levels: [...new Set(patch.tlpLevels)] } : {}),
          ...(patch.rsitClasses !== undefined ? { rsit_classes: uniq(patch.rsitClasses) } : {}),
          ...(patch.objectTypes !== undefined ? { object_types: uniq(patch.objectTypes) } : {}),
          ...(patch.sectors !== undefined ? { sectors: uniq(patch.sectors) } : {}),
          ...(patch.community !== undefined ? { community: patch.community } : {}),
          ...(patch.constituentIdentities !== undefined ? { constituent_identities: patch.constituentIdentities } : {}),
          ...(patch.constituentAddresses !== undefined ? { constituent_addresses: patch.constituentAddresses } : {}),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          valid_from: validFrom,
          valid_until: validUntil,
          updated_at: clock.now(),
        });
        await audit.append(tx, actor, { action: 'agreement.updated', entityType: 'sharing_agreement', entityId: id, before, after });
        return after;
      });
    },

    /** Every agreement of a partner (for TAXII collections and the preview). */
    ofPartner: (partnerId: string) => repo.listAgreements(db, partnerId),
  };
}
