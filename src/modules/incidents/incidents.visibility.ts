import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Principal } from '../../platform/http/context.ts';

/**
 * Who sees an incident, decided in SQL for every query. National CERT staff see all. A center sees
 * what it reported or was assigned (any TLP), and cases about organizations it serves unless they
 * are TLP:RED or AMBER+STRICT (another organization's eyes only). A constituent sees cases about its
 * own organization unless TLP:RED. Everyone else sees nothing.
 */
export function visibleTo(eb: ExpressionBuilder<DB, 'incidents'>, p: Principal) {
  if (seesAll(p)) return eb.lit(true);
  if (p.role === 'center_operator' && p.centerId) {
    const c = p.centerId;
    return eb.or([
      eb('incidents.source_center_id', '=', c),
      eb('incidents.assignee_center_id', '=', c),
      eb.and([
        eb('incidents.organization_id', 'in', eb.selectFrom('center_organizations').select('organization_id').where('center_id', '=', c)),
        eb('incidents.tlp', 'not in', ['red', 'amber+strict']),
      ]),
    ]);
  }
  if (p.role === 'constituent' && p.organizationId) {
    return eb.and([eb('incidents.organization_id', '=', p.organizationId), eb('incidents.tlp', '!=', 'red')]);
  }
  return eb.lit(false);
}

/** National CERT staff work every case; centers work the cases they can see. */
export function canWork(p: Principal): boolean {
  return p.role === 'admin' || p.role === 'analyst' || p.role === 'center_operator';
}

/** National CERT staff see every case, so their queries carry no visibility predicate at all. */
export function seesAll(p: Principal): boolean {
  return p.role === 'admin' || p.role === 'analyst';
}
