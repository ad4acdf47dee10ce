import { uuidv7 } from '../../platform/ids.ts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { checkOrganization, checkRsit, checkTimes } from './incidents.checks.ts';
import { diff } from './incidents.mappers.ts';
import { normalizeObservables } from './incidents.observables.ts';
import { announceObservables, type ObservablesListener } from './incidents.observers.ts';
import type { IncidentCursor, IncidentFilter, IncidentsRepository } from './incidents.repository.ts';
import type { CreateIncidentT, IncidentPatchT, IncidentQueryT } from './incidents.schemas.ts';
import { allowedTransitions, canTransition, END_STATES, OPEN_STATES } from './incidents.states.ts';
import type { IncidentRow, IncidentState } from './incidents.tables.ts';
import type { ClocksService } from './clocks.service.ts';
import { canWork } from './incidents.visibility.ts';

export type IncidentsService = ReturnType<typeof createIncidentsService>;
export type IncidentsDeps = { db: Kysely<DB>; repo: IncidentsRepository; audit: AuditService; clock: Clock; clocks: ClocksService; observablesListeners?: ObservablesListener[] };

const notFoundError = () => notFound('incident.not_found', 'Incident not found');
const isCursor = (v: unknown): v is IncidentCursor => typeof (v as IncidentCursor)?.u === 'string' && typeof (v as IncidentCursor)?.i === 'string';
const list = (v?: string) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
// `state=open` is every state a case is still worked in.
const states = (v?: string) => {
  const named = list(v);
  return named?.includes('open') ? [...new Set([...named.filter((s) => s !== 'open'), ...OPEN_STATES])] : named;
};

/** The list filter of a query string. */
export function toFilter(q: Omit<IncidentQueryT, 'limit' | 'cursor'>): IncidentFilter {
  return {
    states: states(q.state), severities: list(q.severity), tlps: list(q.tlp), organizationId: q.organizationId, centerId: q.centerId,
    sector: q.sector, taxonomy: q.taxonomy, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, q: q.q?.trim() || undefined,
  };
}

/** The case: creation, reading through TLP and scope, edits with optimistic concurrency, lifecycle. */
export function createIncidentsService(deps: IncidentsDeps) {
  const { db, repo, audit, clock, clocks } = deps;

  /** Runs `change` on the locked, visible case; records the timeline entry and the audit entry. */
  async function mutate(id: string, p: Principal, actor: Actor, version: number, change: (row: IncidentRow, tx: Kysely<DB>) => Promise<{ patch: Partial<IncidentRow>; kind: string; data?: unknown }>) {
    if (!canWork(p)) throw forbidden('Your role cannot change incidents');
    return db.transaction().execute(async (tx) => {
      if (!(await repo.findVisible(tx, id, p))) throw notFoundError();
      const before = await repo.findForUpdate(tx, id);
      if (!before) throw notFoundError();
      if (before.version !== version) {
        throw new AppError('incident.version_conflict', `The incident changed meanwhile (now version ${before.version}); reload and retry`, 409, { currentVersion: before.version });
      }
      const { patch, kind, data } = await change(before, tx);
      const after = await repo.updateIfVersion(tx, id, version, { ...patch, updated_at: clock.now() });
      if (!after) throw new AppError('incident.version_conflict', 'The incident changed meanwhile; reload and retry', 409);
      await clocks.afterChange(tx, after);
      const changes = diff(before, after);
      await repo.appendTimeline(tx, { incident_id: id, at: clock.now(), actor_id: actor.userId, actor_label: actor.label, kind, data: { ...((data as object) ?? {}), changes } });
      await audit.append(tx, actor, { action: `incident.${kind}`, entityType: 'incident', entityId: id, before, after });
      return after;
    });
  }

  return {
    async create(input: CreateIncidentT, p: Principal, actor: Actor): Promise<IncidentRow> {
      if (p.role !== 'admin' && p.role !== 'analyst') throw forbidden('Only national CERT staff open incidents directly; centers notify them');
      const now = clock.now();
      const { detected, started } = checkTimes(now, input.detectedAt, input.startedAt);
      const rsit = checkRsit(input.rsitTaxonomy, input.rsitType);
      await checkOrganization(db, input.organizationId);
      const observables = normalizeObservables(input.observables);
      return db.transaction().execute(async (tx) => {
        const row: IncidentRow = {
          id: uuidv7(), ref: await repo.nextRef(tx, now.getUTCFullYear()), title: input.title, description: input.description ?? null,
          state: 'new', severity: input.severity, rsit_taxonomy: rsit.taxonomy, rsit_type: rsit.type, tlp: input.tlp, pap: input.pap,
          organization_id: input.organizationId ?? null, cii_object: input.ciiObject ?? null, source: 'analyst', source_center_id: null,
          external_id: null, assignee_user_id: null, assignee_center_id: null, detected_at: detected, started_at: started,
          aware_at: input.awareAt ? new Date(input.awareAt) : now, affected_systems: input.affectedSystems ?? null, merged_into: null,
          version: 1, created_at: now, updated_at: now, closed_at: null,
        };
        await repo.insert(tx, row);
        await repo.addObservables(tx, row.id, observables);
        await announceObservables(deps.observablesListeners, tx, [{ id: row.id, observables }]);
        await clocks.start(tx, row);
        await repo.appendTimeline(tx, { incident_id: row.id, at: now, actor_id: actor.userId, actor_label: actor.label, kind: 'created', data: { source: 'analyst' } });
        await audit.append(tx, actor, { action: 'incident.created', entityType: 'incident', entityId: row.id, after: { ...row, observables } });
        return row;
      });
    },

    async get(id: string, p: Principal) {
      const row = await repo.findVisible(db, id, p);
      if (!row) throw notFoundError();
      return { row, observables: await repo.listObservables(db, id) };
    },

    async list(p: Principal, q: IncidentQueryT) {
      const after = decodeCursor(q.cursor, isCursor);
      const rows = await repo.list(db, p, toFilter(q), after, q.limit + 1, clock.now());
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return { rows: page, nextCursor: rows.length > q.limit && last ? encodeCursor({ u: last.updated_at.toISOString(), i: last.id }) : null };
    },

    update(id: string, input: IncidentPatchT, p: Principal, actor: Actor) {
      return mutate(id, p, actor, input.version, async (before) => {
        const rsit = input.rsitTaxonomy || input.rsitType ? checkRsit(input.rsitTaxonomy ?? before.rsit_taxonomy, input.rsitType ?? before.rsit_type) : null;
        if (input.organizationId !== undefined) await checkOrganization(db, input.organizationId);
        const patch: Partial<IncidentRow> = {};
        if (input.title !== undefined) patch.title = input.title;
        if (input.description !== undefined) patch.description = input.description;
        if (input.severity !== undefined) patch.severity = input.severity;
        if (input.tlp !== undefined) patch.tlp = input.tlp;
        if (input.pap !== undefined) patch.pap = input.pap;
        if (input.organizationId !== undefined) patch.organization_id = input.organizationId;
        if (input.ciiObject !== undefined) patch.cii_object = input.ciiObject;
        if (input.affectedSystems !== undefined) patch.affected_systems = input.affectedSystems;
        if (rsit) Object.assign(patch, { rsit_taxonomy: rsit.taxonomy, rsit_type: rsit.type });
        return { patch, kind: 'updated' };
      });
    },

    transition(id: string, to: IncidentState, version: number, reason: string | undefined, p: Principal, actor: Actor) {
      return mutate(id, p, actor, version, async (before) => {
        if (!canTransition(before.state, to)) {
          throw new AppError('incident.invalid_transition', `A ${before.state} incident cannot become ${to}`, 409, { from: before.state, to, allowed: allowedTransitions(before.state) });
        }
        const closing = END_STATES.includes(to);
        return { patch: { state: to, closed_at: closing ? clock.now() : null }, kind: 'transitioned', data: { from: before.state, to, reason: reason ?? null } };
      });
    },

    assign(id: string, input: { version: number; userId?: string | null; centerId?: string | null }, p: Principal, actor: Actor) {
      return mutate(id, p, actor, input.version, async (_before, tx) => {
        if (input.userId) {
          const u = await tx.selectFrom('users').select(['id', 'role', 'is_active']).where('id', '=', input.userId).executeTakeFirst();
          if (!u || !u.is_active || !['admin', 'analyst', 'center_operator'].includes(u.role)) {
            throw new AppError('incident.invalid_assignee', 'Assign to an active analyst or center operator', 400, { field: 'userId' });
          }
        }
        if (input.centerId && !(await tx.selectFrom('centers').select('id').where('id', '=', input.centerId).executeTakeFirst())) {
          throw new AppError('incident.invalid_assignee', 'The center does not exist', 400, { field: 'centerId' });
        }
        const patch: Partial<IncidentRow> = {};
        if (input.userId !== undefined) patch.assignee_user_id = input.userId;
        if (input.centerId !== undefined) patch.assignee_center_id = input.centerId;
        return { patch, kind: 'assigned' };
      });
    },

    async timeline(id: string, p: Principal) {
      if (!(await repo.findVisible(db, id, p))) throw notFoundError();
      return repo.listTimeline(db, id);
    },

    async related(id: string, p: Principal) {
      if (!(await repo.findVisible(db, id, p))) throw notFoundError();
      return repo.related(db, id, p, 50);
    },
  };
}
