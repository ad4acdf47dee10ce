import type { ClockRow, IncidentRow, IncidentState } from './incidents.tables.ts';

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

export type Policy = { id: string; name: string; severity: string | null; cii_category: string | null; acknowledge_minutes: number; triage_minutes: number; resolve_minutes: number; priority: number };

/** The SLA policy for a case: the most specific match (severity and CII category), then the highest priority. */
export function pickPolicy<P extends Policy>(policies: readonly P[], severity: string, ciiCategory: string | null): P | undefined {
  const specificity = (p: Policy) => (p.severity !== null ? 1 : 0) + (p.cii_category !== null ? 1 : 0);
  return policies
    .filter((p) => (p.severity === null || p.severity === severity) && (p.cii_category === null || p.cii_category === ciiCategory))
    .sort((a, b) => specificity(b) - specificity(a) || b.priority - a.priority || (a.id < b.id ? -1 : 1))[0];
}

const MINUTE = 60_000;

/** The clocks a new incident starts: its SLA policy's three, and each applicable regime's deadlines. */
export function clocksFor(inc: IncidentRow, org: OrgFacts | null, policies: readonly Policy[], regimes: readonly Regime[]): ClockRow[] {
  const rows: ClockRow[] = [];
  const base = { incident_id: inc.id, met_at: null, paused_at: null, escalated_at: null, breached_at: null };
  const p = pickPolicy(policies, inc.severity, org?.ciiCategory ?? null);
  if (p) {
    for (const [kind, label, minutes] of [['sla.acknowledge', 'Acknowledge', p.acknowledge_minutes], ['sla.triage', 'Triage', p.triage_minutes], ['sla.resolve', 'Resolve', p.resolve_minutes]] as const) {
      rows.push({ ...base, kind, label: `${label} (${p.name})`, source: 'sla', started_at: inc.created_at, due_at: new Date(inc.created_at.getTime() + minutes * MINUTE) });
    }
  }
  for (const regime of regimes) {
    if (!regimeApplies(regime, org)) continue;
    for (const d of deadlinesFor(regime, org)) {
      rows.push({ ...base, kind: `reg.${regime.code}.${d.key}`, label: `${regime.name}: ${d.label}`, source: 'regulatory', started_at: inc.aware_at, due_at: new Date(inc.aware_at.getTime() + d.minutes * MINUTE) });
    }
  }
  return rows;
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
