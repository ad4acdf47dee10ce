import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { UsersService } from '../auth/index.ts';
import type { PartnersRepository } from './partners.repository.ts';
import type { PartnerInputT, PartnerPatchT } from './sharing.schemas.ts';
import type { PartnerRow } from './sharing.tables.ts';

export type PartnersService = ReturnType<typeof createPartnersService>;

function duplicate(err: unknown): never {
  if (isUniqueViolation(err, 'partners_name_key_uq')) throw new AppError('partner.duplicate_name', 'A partner with this name exists', 409);
  throw err;
}

/** The registry of partner CERTs and bodies and their accounts. */
export function createPartnersService(deps: { db: Kysely<DB>; repo: PartnersRepository; audit: AuditService; clock: Clock; users: Pick<UsersService, 'createIn'> }) {
  const { db, repo, audit, clock, users } = deps;

  async function get(id: string): Promise<PartnerRow> {
    const row = await repo.findPartner(db, id);
    if (!row) throw notFound('partner.not_found', 'Partner not found');
    return row;
  }

  return {
    get,
    list: () => repo.listPartners(db),

    async create(input: PartnerInputT, actor: Actor): Promise<PartnerRow> {
      const now = clock.now();
      const row: PartnerRow = {
        id: randomUUID(),
        name: input.name,
        name_key: input.name.toLowerCase(),
        country: input.country,
        kind: input.kind,
        contacts: input.contacts,
        status: input.status,
        description: input.description ?? null,
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (tx) => {
        await repo.insertPartner(tx, { ...row, contacts: JSON.stringify(row.contacts) }).catch(duplicate);
        await audit.append(tx, actor, { action: 'partner.created', entityType: 'partner', entityId: row.id, after: row });
      });
      return row;
    },

    async update(id: string, patch: PartnerPatchT, actor: Actor): Promise<PartnerRow> {
      return db.transaction().execute(async (tx) => {
        const before = await repo.findPartner(tx, id);
        if (!before) throw notFound('partner.not_found', 'Partner not found');
        const after = await repo
          .updatePartner(tx, id, {
            ...(patch.name !== undefined ? { name: patch.name, name_key: patch.name.toLowerCase() } : {}),
            ...(patch.country !== undefined ? { country: patch.country } : {}),
            ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
            ...(patch.contacts !== undefined ? { contacts: JSON.stringify(patch.contacts) } : {}),
            ...(patch.status !== undefined ? { status: patch.status } : {}),
            ...(patch.description !== undefined ? { description: patch.description } : {}),
            updated_at: clock.now(),
          })
          .catch(duplicate);
        await audit.append(tx, actor, { action: 'partner.updated', entityType: 'partner', entityId: id, before, after });
        return after;
      });
    },

    /** Creates an account (role `partner`) that belongs to the partner, in one transaction. */
    async createAccount(partnerId: string, input: { email: string; name: string; password?: string | undefined }, actor: Actor) {
      await get(partnerId);
      return db.transaction().execute(async (tx) => {
        const user = await users.createIn(tx, { email: input.email, name: input.name, role: 'partner', password: input.password, organizationId: null, centerId: null }, actor);
        await repo.setUserPartner(tx, user.id, partnerId);
        await audit.append(tx, actor, { action: 'partner.account_added', entityType: 'partner', entityId: partnerId, after: { userId: user.id, email: user.email } });
        return { id: user.id, email: user.email, name: user.name, partnerId };
      });
    },

    listAccounts: async (partnerId: string) => {
      await get(partnerId);
      return repo.listAccounts(db, partnerId);
    },

    /** The partner an account belongs to, or null. */
    partnerOfUser: (userId: string) => repo.partnerIdOfUser(db, userId),
  };
}
