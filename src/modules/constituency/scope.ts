import type { Principal } from '../../platform/http/context.ts';

/** Which organizations a caller may see. */
export type OrgScope =
  | { kind: 'all' }
  | { kind: 'center'; centerId: string }
  | { kind: 'organization'; organizationId: string }
  | { kind: 'none' };

/** National CERT staff see every organization; a center its served ones; a constituent its own. */
export function scopeOf(p: Principal): OrgScope {
  if (p.role === 'admin' || p.role === 'analyst') return { kind: 'all' };
  if (p.role === 'center_operator' && p.centerId) return { kind: 'center', centerId: p.centerId };
  if (p.role === 'constituent' && p.organizationId) return { kind: 'organization', organizationId: p.organizationId };
  return { kind: 'none' };
}
