import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { CentersRepository } from './centers.repository.ts';

export type CentersService = ReturnType<typeof createCentersService>;

/** Cybersecurity centers (SOCs) and the organizations each one serves. */
export function createCentersService(deps: { db: Kysely<DB>; repo: CentersRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;
  // A center operator sees only its own center; national staff see all.
  const visibleTo = (p: Principal) => (p.role === 'center_operator' ? (p.centerId ?? '00000000-0000-0000-0000-000000000000') : undefined);

  return {
    list: (p: Principal) => repo.list(db, visibleTo(p)),

    async get(p: Principal, id: string) {
      const only = visibleTo(p);
      const row = only && only !== id ? undefined : await repo.find(db, id);
      if (!row) throw notFound('center.not_found', 'Center not found');
      return { ...row, organizationIds: await repo.organizationIds(db, id) };
    },

    async create(name: string, actor: Actor) {
      const now = clock.now();
      const row = { id: randomUUID(), name, name_key: name.toLowerCase(), created_at: now, updated_at: now };
      await db.transaction().execute(async (tx) => {
        await repo.insert(tx, row).catch((err: unknown) => {
          if (isUniqueViolation(err)) throw new AppError('center.duplicate_name', 'A center with this name exists already', 409);
          throw err;
        });
        await audit.append(tx, actor, { action: 'center.created', entityType: 'center', entityId: row.id, after: row });
      });
      return { ...row, organizationIds: [] as string[] };
    },

    async setOrganizations(id: string, organizationIds: string[], actor: Actor) {
      const ids = [...new Set(organizationIds)];
      await db.transaction().execute(async (tx) => {
        if (!(await repo.find(tx, id))) throw notFound('center.not_found', 'Center not found');
        const before = await repo.organizationIds(tx, id);
        await repo.replaceOrganizations(tx, id, ids).catch((err: { code?: string }) => {
          if (err?.code === '23503') throw new AppError('center.unknown_organization', 'One of the organizations does not exist', 400);
          throw err;
        });
        await audit.append(tx, actor, { action: 'center.organizations_set', entityType: 'center', entityId: id, before: { organizationIds: before }, after: { organizationIds: ids } });
      });
    },
  };
}
