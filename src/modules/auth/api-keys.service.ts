import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { ApiKeyRow, DB } from '../../platform/db/schema.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { AuthRepository } from './auth.repository.ts';
import type { CreateApiKeyInput } from './auth.schemas.ts';
import { permissionsFor } from './permissions.ts';
import { newApiKey } from './tokens.ts';

export type ApiKeysService = ReturnType<typeof createApiKeysService>;

const DEFAULT_TTL_MS = 90 * 24 * 3600_000;

function auditKey(row: ApiKeyRow) {
  const { secret_hash: _omit, ...rest } = row;
  return rest;
}

/** API keys for machines: shown once, stored hashed, scoped, expiring, revocable. */
export function createApiKeysService(deps: { db: Kysely<DB>; repo: AuthRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;
  const isAdmin = (p: Principal) => p.permissions.has('users:manage');

  return {
    async create(input: CreateApiKeyInput, caller: Principal, actor: Actor): Promise<{ key: string; row: ApiKeyRow }> {
      const ownerId = input.userId ?? caller.userId;
      if (ownerId !== caller.userId && !isAdmin(caller)) throw forbidden('Only administrators create keys for other accounts');
      const owner = await repo.findUserById(db, ownerId);
      if (!owner) throw notFound('user.not_found', 'User not found');
      const allowed = permissionsFor(owner.role);
      const extra = input.scopes.filter((s) => !allowed.has(s));
      if (extra.length) throw new AppError('api_key.scope_not_allowed', `The owner's role does not allow: ${extra.join(', ')}`, 400, { scopes: extra });
      const now = clock.now();
      const expiresAt = input.expiresAt === null ? null : input.expiresAt ? new Date(input.expiresAt) : new Date(now.getTime() + DEFAULT_TTL_MS);
      if (expiresAt && expiresAt <= now) throw new AppError('api_key.expiry_in_past', 'expiresAt must be in the future', 400);
      const { key, prefix, secretHash } = newApiKey();
      const row: ApiKeyRow = {
        id: randomUUID(),
        prefix,
        secret_hash: secretHash,
        name: input.name,
        user_id: ownerId,
        scopes: [...new Set(input.scopes)],
        expires_at: expiresAt,
        revoked_at: null,
        last_used_at: null,
        created_by: caller.userId,
        created_at: now,
      };
      await db.transaction().execute(async (tx) => {
        await repo.insertApiKey(tx, row);
        await audit.append(tx, actor, { action: 'api_key.created', entityType: 'api_key', entityId: row.id, after: auditKey(row) });
      });
      return { key, row };
    },

    list: (caller: Principal) => repo.listApiKeys(db, isAdmin(caller) ? undefined : caller.userId),

    async revoke(id: string, caller: Principal, actor: Actor): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const row = await repo.findApiKey(tx, id);
        if (!row || (row.user_id !== caller.userId && !isAdmin(caller))) throw notFound('api_key.not_found', 'API key not found');
        if (row.revoked_at) return;
        const at = clock.now();
        await repo.revokeApiKey(tx, id, at);
        await audit.append(tx, actor, { action: 'api_key.revoked', entityType: 'api_key', entityId: id, before: auditKey(row), after: auditKey({ ...row, revoked_at: at }) });
      });
    },
  };
}
