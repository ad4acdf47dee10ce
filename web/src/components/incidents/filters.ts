// The queue's filters live in the URL: /incidents?state=open,resolved&severity=high&tlp=red&organizationId=…&q=…
import type { IncidentQuery, IncidentState } from '../../api-incidents';
import { href } from '../../router';
import { OPEN_STATES, STATES } from './labels';

export interface QueueFilters {
  /** Selected states; `open` is written for the whole open group. */
  states: IncidentState[];
  severities: string[];
  tlps: string[];
  organizationId: string;
  q: string;
  cursor: string | null;
}

const split = (v: string | null) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

export function readFilters(params: URLSearchParams): QueueFilters {
  const states = new Set<IncidentState>();
  for (const token of split(params.get('state'))) {
    if (token === 'open') OPEN_STATES.forEach((s) => states.add(s));
    else if ((STATES as readonly string[]).includes(token)) states.add(token as IncidentState);
  }
  return {
    states: STATES.filter((s) => states.has(s)),
    severities: split(params.get('severity')),
    tlps: split(params.get('tlp')),
    organizationId: params.get('organizationId') ?? '',
    q: params.get('q') ?? '',
    cursor: params.get('cursor') || null,
  };
}

/** `open` for the open group when it is all there, then the other states. */
export function stateParam(states: readonly IncidentState[]): string {
  const set = new Set(states);
  const allOpen = OPEN_STATES.every((s) => set.has(s));
  const rest = STATES.filter((s) => set.has(s) && !(allOpen && OPEN_STATES.includes(s)));
  return [...(allOpen ? ['open'] : []), ...rest].join(',');
}

export function queueHref(f: QueueFilters): string {
  return href('/incidents', {
    state: stateParam(f.states),
    severity: f.severities.join(','),
    tlp: f.tlps.join(','),
    organizationId: f.organizationId,
    q: f.q.trim(),
    cursor: f.cursor,
  });
}

export function toQuery(f: QueueFilters, limit: number): IncidentQuery {
  return {
    state: f.states.join(',') || undefined,
    severity: f.severities.join(',') || undefined,
    tlp: f.tlps.join(',') || undefined,
    organizationId: f.organizationId || undefined,
    q: f.q.trim() || undefined,
    limit,
    cursor: f.cursor ?? undefined,
  };
}

export function isFiltered(f: QueueFilters): boolean {
  return Boolean(f.states.length || f.severities.length || f.tlps.length || f.organizationId || f.q.trim());
}
