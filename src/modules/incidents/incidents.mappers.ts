import type { Incident } from './incidents.schemas.ts';
import { allowedTransitions } from './incidents.states.ts';
import type { IncidentRow } from './incidents.tables.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    ref: r.ref,
    title: r.title,
    description: r.description,
    state: r.state,
    allowedTransitions: [...allowedTransitions(r.state)],
    severity: r.severity,
    rsit: { taxonomy: r.rsit_taxonomy, type: r.rsit_type },
    tlp: r.tlp,
    pap: r.pap,
    organizationId: r.organization_id,
    ciiObject: r.cii_object,
    source: r.source,
    sourceCenterId: r.source_center_id,
    externalId: r.external_id,
    assigneeUserId: r.assignee_user_id,
    assigneeCenterId: r.assignee_center_id,
    detectedAt: iso(r.detected_at),
    startedAt: iso(r.started_at),
    awareAt: r.aware_at.toISOString(),
    affectedSystems: r.affected_systems,
    mergedInto: r.merged_into,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    closedAt: iso(r.closed_at),
  };
}

/** The fields that differ between two versions of a case, for the timeline. */
export function diff(before: IncidentRow, after: IncidentRow): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof IncidentRow)[]) {
    if (key === 'version' || key === 'updated_at') continue;
    const a = before[key] instanceof Date ? (before[key] as Date).toISOString() : before[key];
    const b = after[key] instanceof Date ? (after[key] as Date).toISOString() : after[key];
    if (a !== b) out[key] = { from: a, to: b };
  }
  return out;
}
