import { uuidv7 } from '../../platform/ids.ts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { ClocksService } from './clocks.service.ts';
import { checkOrganization } from './incidents.checks.ts';
import { normalizeObservables, type Observable } from './incidents.observables.ts';
import { announceObservables, type ObservablesListener } from './incidents.observers.ts';
import type { IncidentsRepository } from './incidents.repository.ts';
import type { IncidentRow, Pap, Severity, Tlp } from './incidents.tables.ts';

export type FromReportInput = { severity: Severity; tlp: Tlp; pap: Pap; title?: string | undefined; organizationId?: string | null | undefined };
/** Finds the organization owning an observable (the constituency lookup), or null. */
export type OwnerOf = (query: string) => Promise<string | null>;

const OWNER_TYPES = ['ipv4', 'ipv6', 'domain', 'url', 'email'];

/**
 * Turns a public report into an incident in one transaction: the case starts from the report's
 * RSIT class, description and observables, the owner is found from the observables unless given,
 * and the report is linked (the reporter's status page then says so).
 */
export function createFromReportService(deps: { db: Kysely<DB>; repo: IncidentsRepository; audit: AuditService; clock: Clock; clocks: ClocksService; ownerOf: OwnerOf; observablesListeners?: ObservablesListener[] }) {
  const { db, repo, audit, clock, clocks, ownerOf } = deps;

  async function findOwner(observables: Observable[]): Promise<string | null> {
    for (const o of observables.filter((x) => OWNER_TYPES.includes(x.type)).slice(0, 20)) {
      const owner = await ownerOf(o.value).catch(() => null);
      if (owner) return owner;
    }
    return null;
  }

  return async function fromReport(reportId: string, input: FromReportInput, p: Principal, actor: Actor): Promise<IncidentRow> {
    if (p.role !== 'admin' && p.role !== 'analyst') throw forbidden('Only national CERT staff turn reports into incidents');
    const report = await db.selectFrom('reports').selectAll().where('id', '=', reportId).executeTakeFirst();
    if (!report) throw notFound('report.not_found', 'Report not found');
    const observables = normalizeObservables(((report.observables as { type: string; value: string }[]) ?? []).map((o) => ({ type: o.type, value: o.value })));
    const organizationId = input.organizationId !== undefined ? input.organizationId : await findOwner(observables);
    await checkOrganization(db, organizationId);
    return db.transaction().execute(async (tx) => {
      const locked = await tx.selectFrom('reports').select(['incident_id', 'status']).where('id', '=', reportId).forUpdate().executeTakeFirstOrThrow();
      if (locked.incident_id) throw new AppError('report.already_linked', 'This report already belongs to an incident', 409, { incidentId: locked.incident_id });
      const now = clock.now();
      const row: IncidentRow = {
        id: uuidv7(), ref: await repo.nextRef(tx, now.getUTCFullYear()), title: input.title ?? `Public report ${report.tracking_code}: ${report.category}`,
        description: report.description, state: 'triaged', severity: input.severity, rsit_taxonomy: report.rsit_taxonomy, rsit_type: report.rsit_type,
        tlp: input.tlp, pap: input.pap, organization_id: organizationId ?? null, cii_object: null, source: 'report', source_center_id: null, external_id: null,
        assignee_user_id: actor.userId, assignee_center_id: null, detected_at: report.created_at, started_at: null, aware_at: report.created_at,
        affected_systems: null, merged_into: null, version: 1, created_at: now, updated_at: now, closed_at: null,
      };
      await repo.insert(tx, row);
      await repo.addObservables(tx, row.id, observables);
      await announceObservables(deps.observablesListeners, tx, [{ id: row.id, observables }]);
      await clocks.start(tx, row);
      await clocks.afterChange(tx, row);
      await tx.updateTable('reports').set({ incident_id: row.id, status: 'linked', updated_at: now }).where('id', '=', reportId).execute();
      await repo.appendTimeline(tx, { incident_id: row.id, at: now, actor_id: actor.userId, actor_label: actor.label, kind: 'created', data: { source: 'report', reportId, trackingCode: report.tracking_code } });
      await audit.append(tx, actor, { action: 'incident.created_from_report', entityType: 'incident', entityId: row.id, after: { ...row, reportId, observables } });
      await audit.append(tx, actor, { action: 'report.linked', entityType: 'report', entityId: reportId, before: { status: locked.status, incidentId: null }, after: { status: 'linked', incidentId: row.id } });
      return row;
    });
  };
}
