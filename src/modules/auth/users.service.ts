import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB, UserRow } from '../../platform/db/schema.ts';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { auditUser } from './auth.mappers.ts';
import type { AuthRepository } from './auth.repository.ts';
import type { CreateUserInput, UpdateUserInput } from './auth.schemas.ts';
import { hashPassword } from './passwords.ts';
import { randomToken, sha256 } from './tokens.ts';

export type UsersService = ReturnType<typeof createUsersService>;

const BOOTSTRAP_TTL_MS = 24 * 3600_000;

// Constituents belong to one organization, center operators to one center; others to neither.
function checkAffiliation(role: string, organizationId: string | null, centerId: string | null): void {
  if (role === 'constituent' && !organizationId) throw new AppError('user.organization_required', 'A constituent needs an organizationId', 400);
  if (role === 'center_operator' && !centerId) throw new AppError('user.center_required', 'A center operator needs a centerId', 400);
}

function fkError(err: unknown): never {
  const e = err as { code?: string; message?: string };
  if (e?.code === '23503') {
    const which = (e.message ?? '').includes('center') ? 'center' : 'organization';
    throw new AppError(`user.unknown_${which}`, `The ${which} does not exist`, 400);
  }
  if (isUniqueViolation(err)) throw new AppError('user.duplicate_email', 'A user with this e-mail already exists', 409);
  throw err;
}

/** User accounts (people and machine accounts) and the one-time bootstrap of the first admin. */
export function createUsersService(deps: { db: Kysely<DB>; repo: AuthRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;

  async function insert(tx: Kysely<DB>, input: CreateUserInput, actor: Actor): Promise<UserRow> {
    const organizationId = input.organizationId ?? null;
    const centerId = input.centerId ?? null;
    checkAffiliation(input.role, organizationId, centerId);
    const now = clock.now();
    const row: UserRow = {
      id: randomUUID(),
      email: input.email,
      email_key: input.email.toLowerCase(),
      name: input.name,
      role: input.role,
      organization_id: organizationId,
      center_id: centerId,
      password_hash: input.password ? await hashPassword(input.password) : null,
      is_active: true,
      created_at: now,
      updated_at: now,
      last_login_at: null,
    };
    await repo.insertUser(tx, row).catch(fkError);
    await audit.append(tx, actor, { action: 'user.created', entityType: 'user', entityId: row.id, after: auditUser(row) });
    return row;
  }

  return {
    create: (input: CreateUserInput, actor: Actor) => db.transaction().execute((tx) => insert(tx, input, actor)),
    /** Creates a user inside the caller's transaction (e.g. a partner account created together with its link). */
    createIn: (tx: Kysely<DB>, input: CreateUserInput, actor: Actor) => insert(tx, input, actor),

    async get(id: string): Promise<UserRow> {
      const row = await repo.findUserById(db, id);
      if (!row) throw notFound('user.not_found', 'User not found');
      return row;
    },

    list: (q: { afterEmail?: string | undefined; limit: number }) => repo.listUsers(db, q),

    async update(id: string, input: UpdateUserInput, actor: Actor): Promise<UserRow> {
      return db.transaction().execute(async (tx) => {
        const before = await repo.findUserById(tx, id);
        if (!before) throw notFound('user.not_found', 'User not found');
        const role = input.role ?? before.role;
        const organizationId = input.organizationId !== undefined ? input.organizationId : before.organization_id;
        const centerId = input.centerId !== undefined ? input.centerId : before.center_id;
        checkAffiliation(role, organizationId, centerId);
        const after = await repo
          .updateUser(tx, id, {
            name: input.name ?? before.name,
            role,
            organization_id: organizationId,
            center_id: centerId,
            is_active: input.isActive ?? before.is_active,
            ...(input.password ? { password_hash: await hashPassword(input.password) } : {}),
            updated_at: clock.now(),
          })
          .catch(fkError);
        if (!after) throw notFound('user.not_found', 'User not found');
        if (input.password || input.isActive === false || input.role) await repo.deleteUserSessions(tx, id);
        if (before.role === 'admin' && (after.role !== 'admin' || !after.is_active) && (await repo.countActiveAdmins(tx)) === 0) {
          throw new AppError('user.last_admin', 'The last active administrator cannot be demoted or deactivated', 409);
        }
        await audit.append(tx, actor, { action: 'user.updated', entityType: 'user', entityId: id, before: auditUser(before), after: auditUser(after) });
        return after;
      });
    },

    hasAdmin: async () => (await repo.countActiveAdmins(db)) > 0,

    /** Issues a one-time token that lets whoever holds it create the first admin. */
    async issueBootstrapToken(): Promise<string> {
      const token = randomToken(24);
      const now = clock.now();
      await repo.replaceBootstrapToken(db, { token_hash: sha256(token), created_at: now, expires_at: new Date(now.getTime() + BOOTSTRAP_TTL_MS) });
      return token;
    },

    /** Spends a bootstrap token on the first admin account. */
    async bootstrap(input: { token: string; email: string; name: string; password: string }, requestId?: string): Promise<UserRow> {
      return db.transaction().execute(async (tx) => {
        await repo.lockBootstrap(tx);
        if ((await repo.countActiveAdmins(tx)) > 0) throw new AppError('auth.already_bootstrapped', 'An administrator already exists', 409);
        const claimed = await repo.claimBootstrapToken(tx, sha256(input.token), clock.now());
        if (!claimed) throw new AppError('auth.invalid_bootstrap_token', 'The bootstrap token is not valid or has expired', 401);
        return insert(tx, { ...input, role: 'admin' }, { userId: null, label: 'bootstrap', requestId });
      });
    },
  };
}
