import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, isUniqueViolation } from '../../platform/errors.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { ConstituencyRepository } from './constituency.repository.ts';

export type SectorsService = ReturnType<typeof createSectorsService>;

/** The configurable list of sectors an organization can belong to. */
export function createSectorsService(deps: { db: Kysely<DB>; repo: ConstituencyRepository; audit: AuditService }) {
  const { db, repo, audit } = deps;
  return {
    list: () => repo.listSectors(db),
    async create(input: { code: string; name: string }, actor: Actor) {
      await db.transaction().execute(async (tx) => {
        await repo.insertSector(tx, input).catch((err: unknown) => {
          if (isUniqueViolation(err)) throw new AppError('sector.duplicate', `Sector "${input.code}" exists already`, 409);
          throw err;
        });
        await audit.append(tx, actor, { action: 'sector.created', entityType: 'sector', entityId: input.code, after: input });
      });
      return input;
    },
  };
}
