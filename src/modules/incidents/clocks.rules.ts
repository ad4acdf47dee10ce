import type { IncidentState } from './incidents.tables.ts';

export type OrgFacts = { isCii: boolean; ciiCategory: string | null; sector: string | null };
export type Regime = { code: string; name: string; applies_to: unknown; deadlines: unknown };
export type Deadline = { key: string; label: string; minutes: number; ciiCategory?: string };

/** Whether a regime applies to an incident about an organization with these facts. */
export function regimeApplies(regime: Regime, org: OrgFacts | null): boolean {
  const a = (regime.applies_to ?? {}) as { isCii?: boolean; sectors?: string[]; ciiCategories?: string[] };
  if (a.isCii !== undefined && (!org || org.isCii !== a.isCii)) return false;
  if (a.sectors && (!org?.sector || !a.sectors.includes(org.sector))) return false;
  if (a.ciiCategories && (!org?.ciiCategory || !a.ciiCategories.includes(org.ciiCategory))) return false;
  return true;
}

/** The deadlines of a regime that apply to this organization (some are per CII category). */
export function deadlinesFor(regime: Regime, org: OrgFacts | null): Deadline[] {
  const list = Array.isArray(regime.deadlines) ? (regime.deadlines as Deadline[]) : [];
  return list.filter((d) => !d.ciiCategory || d.ciiCategory === org?.ciiCategory);
}

const TRIAGED: readonly IncidentState[] = ['triaged', 'containment', 'eradication', 'recovery', 'resolved', 'closed'];
const RESOLVED: readonly IncidentState[] = ['resolved', 'closed'];
const STOPPED: readonly IncidentState[] = ['rejected', 'duplicate', 'merged'];

/** The SLA clocks an incident in `state` has met (acknowledge is also met by an assignment). */
export function slaMetBy(state: IncidentState, isAssigned: boolean): string[] {
  if (STOPPED.includes(state)) return ['sla.acknowledge', 'sla.triage', 'sla.resolve'];
  const met: string[] = [];
  if (state !== 'new' || isAssigned) met.push('sla.acknowledge');
  if (TRIAGED.includes(state)) met.push('sla.triage');
  if (RESOLVED.includes(state)) met.push('sla.resolve');
  return met;
}

/** Whether an open clock should be escalated now: within the last fifth of its time (at least 15 min). */
export function isEscalationDue(startedAt: Date, dueAt: Date, now: Date): boolean {
  const total = dueAt.getTime() - startedAt.getTime();
  const window = Math.max(total / 5, 15 * 60_000);
  return dueAt.getTime() - now.getTime() <= window;
}
