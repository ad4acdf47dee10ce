import type { ApiKeyRow, UserRow } from '../../platform/db/schema.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { ApiKey, User } from './auth.schemas.ts';
import { permissionsFor } from './permissions.ts';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organizationId: row.organization_id,
    centerId: row.center_id,
    isActive: row.is_active,
    createdAt: row.created_at.toISOString(),
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  };
}

/** The audit view of a user: never the password hash. */
export function auditUser(row: UserRow) {
  const { password_hash: _omit, ...rest } = row;
  return { ...rest, hasPassword: row.password_hash !== null };
}

export function toApiKey(row: ApiKeyRow, now: Date): ApiKey {
  const status = row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= now ? 'expired' : 'active';
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    userId: row.user_id,
    scopes: row.scopes as ApiKey['scopes'],
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    status,
  };
}

export function toPrincipal(
  user: UserRow,
  via: Principal['via'],
  extra: { scopes?: string[] | null; sessionId?: string; csrfToken?: string; apiKeyId?: string },
): Principal {
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    organizationId: user.organization_id,
    centerId: user.center_id,
    via,
    permissions: permissionsFor(user.role, extra.scopes ?? null),
    ...(extra.sessionId ? { sessionId: extra.sessionId } : {}),
    ...(extra.csrfToken ? { csrfToken: extra.csrfToken } : {}),
    ...(extra.apiKeyId ? { apiKeyId: extra.apiKeyId } : {}),
  };
}
