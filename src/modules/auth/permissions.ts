import type { Role } from '../../platform/db/schema.ts';

export const PERMISSIONS = [
  'constituency:read',
  'constituency:write',
  'constituency:import',
  'lookup',
  'centers:read',
  'centers:write',
  'users:manage',
  'audit:read',
  'incidents:read',
  'incidents:write',
  'incidents:notify',
  'reports:read',
  'reports:write',
  'alerts:read',
  'alerts:write',
  'feeds:read',
  'feeds:write',
  'feeds:push',
  'sharing:read',
  'sharing:write',
  'taxii:read',
  'taxii:write',
  'events:read',
  'events:own',
  'metrics:read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'analyst', 'center_operator', 'constituent', 'partner'] as const;

const BY_ROLE: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  analyst: ['constituency:read', 'constituency:write', 'constituency:import', 'lookup', 'centers:read', 'incidents:read', 'incidents:write', 'reports:read', 'reports:write', 'alerts:read', 'alerts:write', 'feeds:read', 'feeds:write', 'feeds:push', 'sharing:read', 'sharing:write', 'events:read'],
  center_operator: ['constituency:read', 'lookup', 'centers:read', 'incidents:read', 'incidents:write', 'incidents:notify', 'events:read'],
  constituent: ['constituency:read', 'lookup', 'incidents:read', 'events:own'],
  // A partner CERT's machine account: TAXII only, within its agreements (see src/modules/sharing).
  partner: ['taxii:read', 'taxii:write'],
};

/** What a role may do; an API key's scopes can only narrow this, never widen it. */
export function permissionsFor(role: Role, scopes?: readonly string[] | null): ReadonlySet<string> {
  const base = BY_ROLE[role];
  if (!scopes) return new Set(base);
  return new Set(base.filter((p) => scopes.includes(p)));
}
