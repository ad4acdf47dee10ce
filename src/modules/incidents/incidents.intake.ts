import { uuidv7 } from '../../platform/ids.ts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { forbidden, isUniqueViolation } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { checkRsit, checkServes, checkTimes } from './incidents.checks.ts';
import { diff } from './incidents.mappers.ts';
import { normalizeObservables } from './incidents.observables.ts';
import { announceObservables, type ObservablesListener } from './incidents.observers.ts';
import type { IncidentsRepository, IntakeFields } from './incidents.repository.ts';
import type { CenterNotificationT } from './incidents.schemas.ts';
import type { IncidentRow } from './incidents.tables.ts';
import type { ClocksService } from './clocks.service.ts';

export type IntakeResult = { row: IncidentRow; outcome: 'created' | 'updated' | 'unchanged' };

/** The incident fields a notification sets; 400 for times in the future or an unknown taxonomy. */
export function notificationFields(n: CenterNotificationT, now: Date): IntakeFields {
  const { detected, started } = checkTimes(now, n.detectedAt, n.startedAt);
  const rsit = checkRsit(n.rsitTaxonomy, n.rsitType);
  return {
    title: n.title ?? `${rsit.taxonomy}/${rsit.type} at ${n.organizationId.slice(0, 8)}`,
    description: n.description,
    severity: n.severity,
    rsit_taxonomy: rsit.taxonomy,
    rsit_type: rsit.type,
    tlp: n.tlp,
    pap: n.pap,
    organization_id: n.organizationId,
    cii_object: n.ciiObject ?? null,
    detected_at: detected,
    started_at: started,
    affected_systems: n.affectedSystems ?? null,
  };
}

/**
 * Incident notifications from centers' systems, idempotent by the center's own incident id: a retry
 * of the same message changes nothing, a later message updates the same case and its timeline.
 */
export function createIntakeService(deps: { db: Kysely<DB>; repo: IncidentsRepository; audit: AuditService; clock: Clock; clocks: ClocksService; observablesListeners?: ObservablesListener[] }) {
  const { db, repo, audit, clock, clocks } = deps;

  async function apply(n: CenterNotificationT, centerId: string, actor: Actor): Promise<IntakeResult> {
    const now = clock.now();
    const next = notificationFields(n, now);
    const observables = normalizeObservables(n.observables);
    return db.transaction().execute(async (tx) => {
      const existing = await repo.findByExternalForUpdate(tx, centerId, n.externalId);
      const entry = { at: now, actor_id: actor.userId, actor_label: actor.label };
      if (!existing) {
        const row: IncidentRow = {
          id: uuidv7(), ref: await repo.nextRef(tx, now.getUTCFullYear()), ...next, state: 'new', source: 'center',
          source_center_id: centerId, external_id: n.externalId, assignee_user_id: null, assignee_center_id: centerId,
          aware_at: next.detected_at ?? now, merged_into: null, version: 1, created_at: now, updated_at: now, closed_at: null,
        };
        await repo.insert(tx, row);
        await repo.addObservables(tx, row.id, observables);
        await announceObservables(deps.observablesListeners, tx, [{ id: row.id, observables }]);
        await clocks.start(tx, row);
        await repo.appendTimeline(tx, { ...entry, incident_id: row.id, kind: 'created', data: { source: 'center', centerStatus: n.status } });
        await audit.append(tx, actor, { action: 'incident.notified', entityType: 'incident', entityId: row.id, after: { ...row, observables } });
        return { row, outcome: 'created' as const };
      }
      const candidate: IncidentRow = { ...existing, ...next };
      const changes = diff(existing, candidate);
      const added = await repo.addObservables(tx, existing.id, observables);
      if (!Object.keys(changes).length && !added.length) return { row: existing, outcome: 'unchanged' as const };
      await announceObservables(deps.observablesListeners, tx, [{ id: existing.id, observables: added }]);
      const after = (await repo.updateIfVersion(tx, existing.id, existing.version, { ...next, updated_at: now }))!;
      await repo.appendTimeline(tx, { ...entry, incident_id: existing.id, kind: 'center_update', data: { centerStatus: n.status, changes, observablesAdded: added } });
      await audit.append(tx, actor, { action: 'incident.notification_updated', entityType: 'incident', entityId: existing.id, before: existing, after });
      return { row: after, outcome: 'updated' as const };
    });
  }

  return async function notify(n: CenterNotificationT, p: Principal, actor: Actor): Promise<IntakeResult> {
    if (p.role !== 'center_operator' || !p.centerId) throw forbidden('Incident notifications come from a center account');
    await checkServes(db, p.centerId, n.organizationId);
    try {
      return await apply(n, p.centerId, actor);
    } catch (err) {
      // Two copies of a first notification raced; the loser becomes an update of the winner.
      if (isUniqueViolation(err, 'incidents_center_external_uq')) return apply(n, p.centerId, actor);
      throw err;
    }
  };
}
