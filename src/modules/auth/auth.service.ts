import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB, UserRow } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { toPrincipal } from './auth.mappers.ts';
import type { AuthRepository } from './auth.repository.ts';
import { dummyPasswordHash, verifyPassword } from './passwords.ts';
import { parseApiKey, randomToken, safeEqual, sha256 } from './tokens.ts';

export type AuthSettings = { sessionTtlHours: number; loginMaxFailures: number; loginWindowSeconds: number };

export type AuthService = ReturnType<typeof createAuthService>;

const invalidCredentials = () => new AppError('auth.invalid_credentials', 'E-mail or password is wrong', 401);

/** Sign-in, sessions, API key authentication and login throttling. */
export function createAuthService(deps: { db: Kysely<DB>; repo: AuthRepository; audit: AuditService; clock: Clock; settings: AuthSettings }) {
  const { db, repo, audit, clock, settings } = deps;

  async function checkThrottle(keys: string[]): Promise<void> {
    const now = clock.now();
    for (const key of keys) {
      const row = await repo.findThrottle(db, key);
      if (row?.locked_until && row.locked_until > now) {
        const retryAfterSeconds = Math.ceil((row.locked_until.getTime() - now.getTime()) / 1000);
        throw new AppError('auth.throttled', 'Too many failed sign-ins; try again later', 429, { retryAfterSeconds });
      }
    }
  }

  async function recordFailure(key: string, max: number): Promise<void> {
    const now = clock.now();
    const row = await repo.findThrottle(db, key);
    const windowMs = settings.loginWindowSeconds * 1000;
    const fresh = !row || now.getTime() - row.window_start.getTime() > windowMs;
    const failures = fresh ? 1 : row.failures + 1;
    const lockedUntil = failures >= max ? new Date(now.getTime() + windowMs) : null;
    await repo.upsertThrottle(db, { key, failures, window_start: fresh ? now : row.window_start, locked_until: lockedUntil });
  }

  return {
    /** Password sign-in; throttled per account and per client address. */
    async login(email: string, password: string, clientIp: string, requestId?: string) {
      const emailKey = email.trim().toLowerCase();
      const keys = [`account:${emailKey}`, `ip:${clientIp}`];
      await checkThrottle(keys);
      const user = await repo.findUserByEmail(db, emailKey);
      const ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash()));
      if (!user || !ok || !user.is_active || !user.password_hash) {
        await recordFailure(keys[0] as string, settings.loginMaxFailures);
        await recordFailure(keys[1] as string, settings.loginMaxFailures * 4);
        throw invalidCredentials();
      }
      await repo.clearThrottle(db, keys[0] as string);
      return this.startSession(user, { userId: user.id, label: user.email, requestId }, 'auth.login');
    },

    /**
     * Checks an e-mail and password without opening a session (HTTP Basic on machine routes such as
     * TAXII); throttled exactly like `login`.
     */
    async checkPassword(email: string, password: string, clientIp: string): Promise<Principal> {
      const emailKey = email.trim().toLowerCase();
      const keys = [`account:${emailKey}`, `ip:${clientIp}`];
      await checkThrottle(keys);
      const user = await repo.findUserByEmail(db, emailKey);
      const ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash()));
      if (!user || !ok || !user.is_active || !user.password_hash) {
        await recordFailure(keys[0] as string, settings.loginMaxFailures);
        await recordFailure(keys[1] as string, settings.loginMaxFailures * 4);
        throw invalidCredentials();
      }
      await repo.clearThrottle(db, keys[0] as string);
      return toPrincipal(user, 'basic', {});
    },

    /** Opens a session for a user who just proved who they are. The cookie carries `token`. */
    async startSession(user: UserRow, actor: Actor, action: string) {
      const now = clock.now();
      const token = randomToken(32);
      const csrfToken = randomToken(24);
      const sessionId = sha256(token);
      const expiresAt = new Date(now.getTime() + settings.sessionTtlHours * 3600_000);
      await db.transaction().execute(async (tx) => {
        await repo.insertSession(tx, { id: sessionId, user_id: user.id, csrf_token: csrfToken, created_at: now, expires_at: expiresAt });
        await repo.updateUser(tx, user.id, { last_login_at: now });
        await audit.append(tx, actor, { action, entityType: 'user', entityId: user.id, after: { sessionExpiresAt: expiresAt } });
      });
      const principal = toPrincipal({ ...user, last_login_at: now }, 'session', { sessionId, csrfToken });
      return { token, csrfToken, expiresAt, principal, user: { ...user, last_login_at: now } };
    },

    async logout(principal: Principal, requestId?: string): Promise<void> {
      if (!principal.sessionId) return;
      await db.transaction().execute(async (tx) => {
        await repo.deleteSession(tx, principal.sessionId as string);
        await audit.append(tx, { userId: principal.userId, label: principal.email, requestId }, { action: 'auth.logout', entityType: 'user', entityId: principal.userId });
      });
    },

    /** The principal behind a session cookie, or null when it is unknown or expired. */
    async resolveSession(token: string): Promise<Principal | null> {
      const row = await repo.findSession(db, sha256(token));
      if (!row || row.expires_at <= clock.now() || !row.is_active) return null;
      return toPrincipal(row, 'session', { sessionId: row.session_id, csrfToken: row.csrf_token });
    },

    /** The principal behind an API key; expired, revoked and unknown keys are distinct 401s. */
    async resolveApiKey(key: string): Promise<Principal> {
      const parsed = parseApiKey(key);
      const row = parsed ? await repo.findApiKeyByPrefix(db, parsed.prefix) : undefined;
      if (!parsed || !row || !safeEqual(row.secret_hash, sha256(parsed.secret)) || !row.is_active) {
        throw new AppError('auth.invalid_api_key', 'The API key is not valid', 401);
      }
      const now = clock.now();
      if (row.revoked_at) throw new AppError('auth.api_key_revoked', 'The API key was revoked', 401);
      if (row.expires_at && row.expires_at <= now) throw new AppError('auth.api_key_expired', 'The API key has expired', 401);
      if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
        await repo.touchApiKey(db, row.key_id, now);
      }
      return toPrincipal(row, 'api_key', { scopes: row.scopes, apiKeyId: row.key_id });
    },

    /** Forgets expired sessions; run periodically. */
    async purgeExpiredSessions(): Promise<void> {
      await repo.deleteExpiredSessions(db, clock.now());
    },
  };
}
