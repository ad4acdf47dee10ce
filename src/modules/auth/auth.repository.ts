import { sql, type Kysely } from 'kysely';
import type { ApiKeysTable, DB, Role, UsersTable } from '../../platform/db/schema.ts';
import type { Insertable, Updateable } from 'kysely';

export type AuthRepository = ReturnType<typeof createAuthRepository>;

/** Users, sessions, API keys, login throttling and bootstrap tokens. */
export function createAuthRepository() {
  return {
    findUserByEmail: (db: Kysely<DB>, emailKey: string) =>
      db.selectFrom('users').selectAll().where('email_key', '=', emailKey).executeTakeFirst(),
    findUserById: (db: Kysely<DB>, id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    async listUsers(db: Kysely<DB>, q: { afterEmail?: string | undefined; limit: number; role?: Role | undefined }) {
      let query = db.selectFrom('users').selectAll().orderBy('email_key').limit(q.limit);
      if (q.afterEmail !== undefined) query = query.where('email_key', '>', q.afterEmail);
      if (q.role) query = query.where('role', '=', q.role);
      return query.execute();
    },
    insertUser: (db: Kysely<DB>, row: Insertable<UsersTable>) => db.insertInto('users').values(row).execute(),
    updateUser: (db: Kysely<DB>, id: string, patch: Updateable<UsersTable>) =>
      db.updateTable('users').set(patch).where('id', '=', id).returningAll().executeTakeFirst(),
    async countActiveAdmins(db: Kysely<DB>): Promise<number> {
      const r = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('is_active', '=', true)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    insertSession: (db: Kysely<DB>, row: { id: string; user_id: string; csrf_token: string; created_at: Date; expires_at: Date }) =>
      db.insertInto('sessions').values({ ...row, last_seen_at: row.created_at }).execute(),
    findSession: (db: Kysely<DB>, id: string) =>
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.id as session_id', 'sessions.csrf_token', 'sessions.expires_at'])
        .selectAll('users')
        .where('sessions.id', '=', id)
        .executeTakeFirst(),
    deleteSession: (db: Kysely<DB>, id: string) => db.deleteFrom('sessions').where('id', '=', id).execute(),
    deleteUserSessions: (db: Kysely<DB>, userId: string) => db.deleteFrom('sessions').where('user_id', '=', userId).execute(),
    deleteExpiredSessions: (db: Kysely<DB>, now: Date) => db.deleteFrom('sessions').where('expires_at', '<', now).execute(),

    insertApiKey: (db: Kysely<DB>, row: Insertable<ApiKeysTable>) => db.insertInto('api_keys').values(row).execute(),
    findApiKeyByPrefix: (db: Kysely<DB>, prefix: string) =>
      db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .select([
          'api_keys.id as key_id',
          'api_keys.secret_hash',
          'api_keys.scopes',
          'api_keys.expires_at',
          'api_keys.revoked_at',
          'api_keys.last_used_at',
        ])
        .selectAll('users')
        .where('api_keys.prefix', '=', prefix)
        .executeTakeFirst(),
    findApiKey: (db: Kysely<DB>, id: string) => db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    listApiKeys: (db: Kysely<DB>, userId?: string) => {
      let q = db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc');
      if (userId) q = q.where('user_id', '=', userId);
      return q.execute();
    },
    revokeApiKey: (db: Kysely<DB>, id: string, at: Date) =>
      db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute(),
    touchApiKey: (db: Kysely<DB>, id: string, at: Date) =>
      db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute(),

    findThrottle: (db: Kysely<DB>, key: string) => db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst(),
    upsertThrottle: (db: Kysely<DB>, row: { key: string; failures: number; window_start: Date; locked_until: Date | null }) =>
      db
        .insertInto('login_throttle')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet({ failures: row.failures, window_start: row.window_start, locked_until: row.locked_until }))
        .execute(),
    clearThrottle: (db: Kysely<DB>, key: string) => db.deleteFrom('login_throttle').where('key', '=', key).execute(),

    replaceBootstrapToken: async (db: Kysely<DB>, row: { token_hash: string; created_at: Date; expires_at: Date }) => {
      await db.deleteFrom('bootstrap_tokens').where('used_at', 'is', null).execute();
      await db.insertInto('bootstrap_tokens').values(row).execute();
    },
    claimBootstrapToken: (db: Kysely<DB>, tokenHash: string, now: Date) =>
      db
        .updateTable('bootstrap_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('token_hash')
        .executeTakeFirst(),
    lockBootstrap: (db: Kysely<DB>) => sql`select pg_advisory_xact_lock(7361003)`.execute(db),
  };
}
