import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { IncidentsRepository } from './incidents.repository.ts';
import { END_STATES } from './incidents.states.ts';
import { announceObservables, type ObservablesListener } from './incidents.observers.ts';
import type { IncidentRow } from './incidents.tables.ts';
import type { ClocksService } from './clocks.service.ts';
import { canWork } from './incidents.visibility.ts';

/**
 * Merges a duplicate into the case that continues, in one transaction: the source ends as
 * `merged` pointing at the target, its observables move over, both timelines say so.
 */
export function createMergeService(deps: { db: Kysely<DB>; repo: IncidentsRepository; audit: AuditService; clock: Clock; clocks: ClocksService; observablesListeners?: ObservablesListener[] }) {
  const { db, repo, audit, clock, clocks } = deps;
  return async function merge(id: string, into: string, version: number, p: Principal, actor: Actor): Promise<IncidentRow> {
    if (!canWork(p)) throw forbidden('Your role cannot change incidents');
    if (id === into) throw new AppError('incident.merge_into_self', 'An incident cannot be merged into itself', 400, { field: 'into' });
    return db.transaction().execute(async (tx) => {
      if (!(await repo.findVisible(tx, id, p)) || !(await repo.findVisible(tx, into, p))) throw notFound('incident.not_found', 'Incident not found');
      // Lock both rows in id order, so two opposite merges cannot deadlock.
      const [first, second] = [id, into].sort();
      const locked = new Map<string, IncidentRow>();
      for (const k of [first!, second!]) {
        const row = await repo.findForUpdate(tx, k);
        if (row) locked.set(k, row);
      }
      const source = locked.get(id)!;
      const target = locked.get(into)!;
      if (source.version !== version) throw new AppError('incident.version_conflict', `The incident changed meanwhile (now version ${source.version})`, 409, { currentVersion: source.version });
      for (const [label, row] of [['source', source], ['target', target]] as const) {
        if (END_STATES.includes(row.state)) throw new AppError('incident.merge_closed', `The ${label} incident is ${row.state}`, 409, { [label]: row.id });
      }
      const now = clock.now();
      const after = await repo.updateIfVersion(tx, id, version, { state: 'merged', merged_into: into, closed_at: now, updated_at: now });
      if (after) await clocks.afterChange(tx, after);
      const moved = await repo.addObservables(tx, into, await repo.listObservables(tx, id));
      await announceObservables(deps.observablesListeners, tx, [{ id: into, observables: moved }]);
      await repo.updateIfVersion(tx, into, target.version, { updated_at: now });
      const entry = { at: now, actor_id: actor.userId, actor_label: actor.label };
      await repo.appendTimeline(tx, { ...entry, incident_id: id, kind: 'merged', data: { into, intoRef: target.ref } });
      await repo.appendTimeline(tx, { ...entry, incident_id: into, kind: 'merge_received', data: { from: id, fromRef: source.ref, observablesAdded: moved.length } });
      await audit.append(tx, actor, { action: 'incident.merged', entityType: 'incident', entityId: id, before: source, after: { ...after, observablesMoved: moved } });
      return after!;
    });
  };
}
