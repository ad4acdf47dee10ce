import { uuidv7 } from '../../platform/ids.ts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, forbidden, isUniqueViolation } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditEvent, AuditService } from '../audit/index.ts';
import { servedOrganizations } from './incidents.checks.ts';
import { notificationFields } from './incidents.intake.ts';
import { diff } from './incidents.mappers.ts';
import { normalizeObservables, type Observable } from './incidents.observables.ts';
import { announceObservables, type ObservablesListener } from './incidents.observers.ts';
import type { IncidentsRepository, IntakeFields } from './incidents.repository.ts';
import { CenterNotification, type CenterNotificationT } from './incidents.schemas.ts';
import type { IncidentRow, TimelineRow } from './incidents.tables.ts';
import type { ClocksService } from './clocks.service.ts';

export type ItemError = { code: string; message: string; status: number; details?: unknown };
export type BatchItemResult = { index: number; externalId: string | null } & (
  | { outcome: 'created' | 'updated' | 'unchanged'; row: IncidentRow }
  | { outcome: 'rejected'; error: ItemError }
);

type Prepared = { index: number; n: CenterNotificationT; fields: IntakeFields; observables: Observable[] };
type Entry = Omit<TimelineRow, 'id' | 'data'> & { data: unknown };
/** What applying a batch produced, keyed by item index; written out once at the end. */
type Outcome = { results: Map<number, { outcome: 'created' | 'updated' | 'unchanged'; row: IncidentRow }>; timeline: [number, Entry][]; events: [number, AuditEvent][]; observed: { id: string; observables: Observable[] }[] };

const MAX_ATTEMPTS = 3;
const isDeadlock = (err: unknown) => (err as { code?: string } | null)?.code === '40P01';
const externalIdOf = (item: unknown) => {
  const v = (item as { externalId?: unknown } | null)?.externalId;
  return typeof v === 'string' ? v.trim() : null;
};

/** The first, second, ... notification about each externalId: within a round every externalId is distinct. */
function rounds(ready: Prepared[]): Prepared[][] {
  const seen = new Map<string, number>();
  const out: Prepared[][] = [];
  for (const p of ready) {
    const k = seen.get(p.n.externalId) ?? 0;
    seen.set(p.n.externalId, k + 1);
    (out[k] ??= []).push(p);
  }
  return out;
}

/**
 * Center notifications in batches: the same rules and outcomes as one by one (idempotent by
 * externalId, later messages update the case), applied in one transaction with set-based
 * statements. An invalid item is answered with its own error and does not stop the others; a
 * database error rolls the whole batch back.
 */
export function createBatchIntakeService(deps: { db: Kysely<DB>; repo: IncidentsRepository; audit: AuditService; clock: Clock; clocks: ClocksService; observablesListeners?: ObservablesListener[] }) {
  const { db, repo, audit, clock, clocks } = deps;

  function prepare(items: readonly unknown[], now: Date, rejected: Map<number, ItemError>): Prepared[] {
    const ready: Prepared[] = [];
    items.forEach((item, index) => {
      const parsed = CenterNotification.safeParse(item);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(item)', message: i.message }));
        rejected.set(index, { code: 'validation.failed', message: 'The notification is not valid', status: 400, details: { issues } });
        return;
      }
      try {
        ready.push({ index, n: parsed.data, fields: notificationFields(parsed.data, now), observables: normalizeObservables(parsed.data.observables) });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        rejected.set(index, { code: err.code, message: err.message, status: err.status, details: err.details });
      }
    });
    return ready;
  }

  async function create(tx: Kysely<DB>, items: Prepared[], centerId: string, actor: Actor, now: Date, out: Outcome): Promise<void> {
    if (!items.length) return;
    // Concurrent batches insert shared new externalIds in the same order, so they wait rather than deadlock.
    const fresh = [...items].sort((a, b) => (a.n.externalId < b.n.externalId ? -1 : a.n.externalId > b.n.externalId ? 1 : 0));
    const refs = await repo.nextRefs(tx, now.getUTCFullYear(), fresh.length);
    const rows: IncidentRow[] = fresh.map((p, i) => ({
      id: uuidv7(), ref: refs[i]!, ...p.fields, state: 'new', source: 'center', source_center_id: centerId, external_id: p.n.externalId,
      assignee_user_id: null, assignee_center_id: centerId, aware_at: p.fields.detected_at ?? now, merged_into: null, version: 1,
      created_at: now, updated_at: now, closed_at: null,
    }));
    await repo.insertMany(tx, rows);
    await repo.insertObservables(tx, fresh.flatMap((p, i) => p.observables.map((o) => ({ incident_id: rows[i]!.id, ...o }))));
    await clocks.startMany(tx, rows);
    fresh.forEach((p, i) => {
      const row = rows[i]!;
      out.observed.push({ id: row.id, observables: p.observables });
      out.results.set(p.index, { outcome: 'created', row });
      out.timeline.push([p.index, { incident_id: row.id, at: now, actor_id: actor.userId, actor_label: actor.label, kind: 'created', data: { source: 'center', centerStatus: p.n.status } }]);
      out.events.push([p.index, { action: 'incident.notified', entityType: 'incident', entityId: row.id, after: { ...row, observables: p.observables } }]);
    });
  }

  async function update(tx: Kysely<DB>, known: { p: Prepared; before: IncidentRow }[], actor: Actor, now: Date, out: Outcome): Promise<void> {
    if (!known.length) return;
    const added = new Map<string, Observable[]>();
    for (const o of await repo.addObservablesMany(tx, known.flatMap(({ p, before }) => p.observables.map((o) => ({ incident_id: before.id, ...o }))))) {
      added.set(o.incident_id, [...(added.get(o.incident_id) ?? []), { type: o.type, value: o.value }]);
    }
    const changed = known
      .map((k) => ({ ...k, changes: diff(k.before, { ...k.before, ...k.p.fields }), added: added.get(k.before.id) ?? [] }))
      .filter((k) => {
        const isChanged = Object.keys(k.changes).length > 0 || k.added.length > 0;
        if (!isChanged) out.results.set(k.p.index, { outcome: 'unchanged', row: k.before });
        return isChanged;
      });
    const after = new Map((await repo.updateManyIfVersion(tx, changed.map((k) => ({ id: k.before.id, version: k.before.version, patch: k.p.fields })), now)).map((r) => [r.id, r]));
    for (const { p, before, changes, added: observablesAdded } of changed) {
      const row = after.get(before.id);
      // The rows are locked since they were read, so every version still matches.
      if (!row) throw new Error(`incident ${before.id} changed under its row lock`);
      out.results.set(p.index, { outcome: 'updated', row });
      out.observed.push({ id: row.id, observables: observablesAdded });
      out.timeline.push([p.index, { incident_id: row.id, at: now, actor_id: actor.userId, actor_label: actor.label, kind: 'center_update', data: { centerStatus: p.n.status, changes, observablesAdded } }]);
      out.events.push([p.index, { action: 'incident.notification_updated', entityType: 'incident', entityId: row.id, before, after: row }]);
    }
  }

  async function apply(ready: Prepared[], centerId: string, actor: Actor, now: Date): Promise<Outcome> {
    return db.transaction().execute(async (tx) => {
      const out: Outcome = { results: new Map(), timeline: [], events: [], observed: [] };
      for (const round of rounds(ready)) {
        const existing = new Map((await repo.findByExternalIdsForUpdate(tx, centerId, round.map((p) => p.n.externalId))).map((r) => [r.external_id, r]));
        await create(tx, round.filter((p) => !existing.has(p.n.externalId)), centerId, actor, now, out);
        await update(tx, round.flatMap((p) => (existing.has(p.n.externalId) ? [{ p, before: existing.get(p.n.externalId)! }] : [])), actor, now, out);
      }
      // Once per batch: the intel correlation (a listener) then does one set of lookups for all.
      await announceObservables(deps.observablesListeners, tx, out.observed);
      const byIndex = <T>(xs: [number, T][]) => xs.sort((a, b) => a[0] - b[0]).map(([, x]) => x);
      await repo.appendTimelineMany(tx, byIndex(out.timeline));
      await audit.appendMany(tx, actor, byIndex(out.events));
      return out;
    });
  }

  return async function notifyBatch(items: readonly unknown[], p: Principal, actor: Actor): Promise<BatchItemResult[]> {
    if (p.role !== 'center_operator' || !p.centerId) throw forbidden('Incident notifications come from a center account');
    const centerId = p.centerId;
    const now = clock.now();
    const rejected = new Map<number, ItemError>();
    let ready = prepare(items, now, rejected);
    const served = await servedOrganizations(db, centerId, [...new Set(ready.map((r) => r.n.organizationId))]);
    ready = ready.filter((r) => {
      if (!served.has(r.n.organizationId)) {
        rejected.set(r.index, { code: 'incident.organization_not_served', message: 'Your center does not serve this organization', status: 403, details: { organizationId: r.n.organizationId } });
      }
      return served.has(r.n.organizationId);
    });
    let out: Outcome = { results: new Map(), timeline: [], events: [], observed: [] };
    for (let attempt = 1; ready.length; attempt++) {
      try {
        out = await apply(ready, centerId, actor, now);
        break;
      } catch (err) {
        // Another request created some of these incidents meanwhile (or two batches waited on each
        // other's new incidents): the batch rolled back, and a retry takes those as updates.
        if (attempt >= MAX_ATTEMPTS || !(isUniqueViolation(err, 'incidents_center_external_uq') || isDeadlock(err))) throw err;
      }
    }
    return items.map((item, index): BatchItemResult => {
      const error = rejected.get(index);
      const done = out.results.get(index);
      if (error || !done) return { index, externalId: externalIdOf(item), outcome: 'rejected', error: error ?? { code: 'internal', message: 'Not processed', status: 500 } };
      return { index, externalId: done.row.external_id, outcome: done.outcome, row: done.row };
    });
  };
}
