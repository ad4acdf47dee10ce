import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import { clocksFor, isEscalationDue, slaMetBy, type OrgFacts } from './clocks.rules.ts';
import type { IncidentsRepository } from './incidents.repository.ts';
import type { ClockRow, IncidentRow } from './incidents.tables.ts';
import { canWork } from './incidents.visibility.ts';

export type ClocksService = ReturnType<typeof createClocksService>;
/** Called when a clock nears its deadline or breaches it (alerts, e-mail to duty contacts). */
export type ClockListener = (tx: Kysely<DB>, event: { type: 'escalation' | 'breach'; clock: ClockRow; incident: IncidentRow }) => Promise<void>;

const MINUTE = 60_000;

/**
 * SLA clocks (acknowledge, triage, resolve; chosen by severity and CII category from `sla_policies`)
 * and regulatory clocks (from active `regulatory_regimes`, counted from awareness). SLA clocks pause
 * while the case waits on the constituent; legal deadlines never pause.
 */
export function createClocksService(deps: { db: Kysely<DB>; repo: IncidentsRepository; audit: AuditService; clock: Clock; listeners?: ClockListener[] }) {
  const { db, repo, audit, clock } = deps;
  const listeners = deps.listeners ?? [];

  /** The facts clocks depend on, for each named organization that exists. */
  async function orgFacts(tx: Kysely<DB>, ids: readonly string[]): Promise<Map<string, OrgFacts>> {
    if (!ids.length) return new Map();
    const rows = await tx.selectFrom('organizations').select(['id', 'is_cii', 'cii_category', 'sector']).where('id', 'in', [...ids]).execute();
    return new Map(rows.map((o) => [o.id, { isCii: o.is_cii, ciiCategory: o.cii_category, sector: o.sector }]));
  }

  return {
    /** Starts an incident's clocks (inside the transaction that creates it). */
    start(tx: Kysely<DB>, inc: IncidentRow): Promise<void> {
      return this.startMany(tx, [inc]);
    },

    /** Starts the clocks of new incidents; SLA policies and regimes are read once for all of them. */
    async startMany(tx: Kysely<DB>, incidents: readonly IncidentRow[]): Promise<void> {
      if (!incidents.length) return;
      const orgs = await orgFacts(tx, [...new Set(incidents.flatMap((i) => (i.organization_id ? [i.organization_id] : [])))]);
      const policies = await tx.selectFrom('sla_policies').selectAll().execute();
      const regimes = await tx.selectFrom('regulatory_regimes').selectAll().where('is_active', '=', true).orderBy('code').execute();
      const rows = incidents.flatMap((inc) => clocksFor(inc, inc.organization_id ? (orgs.get(inc.organization_id) ?? null) : null, policies, regimes));
      await repo.insertClocks(tx, rows);
    },

    /** Marks the SLA clocks a change of state or assignment has met. */
    async afterChange(tx: Kysely<DB>, after: IncidentRow): Promise<void> {
      const met = slaMetBy(after.state, after.assignee_user_id !== null || after.assignee_center_id !== null);
      if (!met.length) return;
      await tx.updateTable('incident_clocks').set({ met_at: clock.now(), paused_at: null }).where('incident_id', '=', after.id).where('kind', 'in', met).where('met_at', 'is', null).execute();
    },

    async list(id: string, p: Principal): Promise<ClockRow[]> {
      if (!(await repo.findVisible(db, id, p))) throw notFound('incident.not_found', 'Incident not found');
      return db.selectFrom('incident_clocks').selectAll().where('incident_id', '=', id).orderBy('due_at').execute();
    },

    /** Pauses (waiting on the constituent) or resumes the open SLA clocks; due dates move by the pause. */
    async setPaused(id: string, paused: boolean, reason: string | undefined, p: Principal, actor: Actor): Promise<ClockRow[]> {
      if (!canWork(p)) throw forbidden('Your role cannot change incidents');
      return db.transaction().execute(async (tx) => {
        if (!(await repo.findVisible(tx, id, p))) throw notFound('incident.not_found', 'Incident not found');
        await repo.findForUpdate(tx, id);
        const now = clock.now();
        const open = tx.updateTable('incident_clocks').where('incident_id', '=', id).where('source', '=', 'sla').where('met_at', 'is', null);
        if (paused) await open.set({ paused_at: now }).where('paused_at', 'is', null).execute();
        else await open.set({ due_at: sql`due_at + (${now}::timestamptz - paused_at)`, paused_at: null }).where('paused_at', 'is not', null).execute();
        await repo.appendTimeline(tx, { incident_id: id, at: now, actor_id: actor.userId, actor_label: actor.label, kind: paused ? 'clocks_paused' : 'clocks_resumed', data: { reason: reason ?? null } });
        await audit.append(tx, actor, { action: paused ? 'incident.clocks_paused' : 'incident.clocks_resumed', entityType: 'incident', entityId: id, after: { reason: reason ?? null } });
        return tx.selectFrom('incident_clocks').selectAll().where('incident_id', '=', id).orderBy('due_at').execute();
      });
    },

    /** Records that a regulatory report was made (or any clock met by hand). */
    async markMet(id: string, kind: string, p: Principal, actor: Actor): Promise<ClockRow> {
      if (!canWork(p)) throw forbidden('Your role cannot change incidents');
      return db.transaction().execute(async (tx) => {
        if (!(await repo.findVisible(tx, id, p))) throw notFound('incident.not_found', 'Incident not found');
        const now = clock.now();
        const row = await tx.updateTable('incident_clocks').set({ met_at: now, paused_at: null }).where('incident_id', '=', id).where('kind', '=', kind).where('met_at', 'is', null).returningAll().executeTakeFirst();
        if (!row) throw new AppError('clock.not_open', `No open clock "${kind}" on this incident`, 409);
        await repo.appendTimeline(tx, { incident_id: id, at: now, actor_id: actor.userId, actor_label: actor.label, kind: 'clock_met', data: { clock: kind, label: row.label, late: row.due_at < now } });
        await audit.append(tx, actor, { action: 'incident.clock_met', entityType: 'incident', entityId: id, after: row });
        return row;
      });
    },

    /** Escalates clocks near their deadline and records breaches; run by the scheduler every minute. */
    async sweep(): Promise<{ escalated: number; breached: number }> {
      const now = clock.now();
      const due = await db.selectFrom('incident_clocks').selectAll().where('met_at', 'is', null).where('paused_at', 'is', null).where('due_at', '<=', new Date(now.getTime() + 7 * 24 * 60 * MINUTE)).where('breached_at', 'is', null).orderBy('due_at').limit(5000).execute();
      let escalated = 0;
      let breached = 0;
      for (const c of due) {
        const type = c.due_at <= now ? 'breach' : !c.escalated_at && isEscalationDue(c.started_at, c.due_at, now) ? 'escalation' : null;
        if (!type) continue;
        await db.transaction().execute(async (tx) => {
          const set = type === 'breach' ? { breached_at: now, escalated_at: c.escalated_at ?? now } : { escalated_at: now };
          const won = await tx.updateTable('incident_clocks').set(set).where('incident_id', '=', c.incident_id).where('kind', '=', c.kind).where(type === 'breach' ? 'breached_at' : 'escalated_at', 'is', null).where('met_at', 'is', null).returningAll().executeTakeFirst();
          if (!won) return;
          const incident = await repo.findForUpdate(tx, c.incident_id);
          if (!incident) return;
          await repo.appendTimeline(tx, { incident_id: c.incident_id, at: now, actor_id: null, actor_label: 'system', kind: type === 'breach' ? 'clock_breached' : 'clock_escalated', data: { clock: c.kind, label: c.label, dueAt: c.due_at.toISOString() } });
          for (const l of listeners) await l(tx, { type, clock: won, incident });
        });
        if (type === 'breach') breached++;
        else escalated++;
      }
      return { escalated, breached };
    },

    /** Breached clocks in a period, for the breach report. */
    breaches: (from: Date, to: Date) =>
      db
        .selectFrom('incident_clocks')
        .innerJoin('incidents', 'incidents.id', 'incident_clocks.incident_id')
        .select(['incidents.id', 'incidents.ref', 'incidents.title', 'incidents.severity', 'incidents.organization_id', 'incident_clocks.kind', 'incident_clocks.label', 'incident_clocks.due_at', 'incident_clocks.breached_at', 'incident_clocks.met_at'])
        .where('incident_clocks.breached_at', '>=', from)
        .where('incident_clocks.breached_at', '<', to)
        .orderBy('incident_clocks.breached_at')
        .execute(),
  };
}
