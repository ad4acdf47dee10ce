// Incidents: the case queue, one case with its lifecycle, clocks, tasks, comments and timeline.
// Changes to the case itself send the `version` read; a stale one is a 409 `incident.version_conflict`.
import { ApiError, request } from './api';
import type { Page } from './api-types';

export type IncidentState = 'new' | 'triaged' | 'containment' | 'eradication' | 'recovery' | 'resolved' | 'closed' | 'rejected' | 'duplicate' | 'merged';
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
export type Pap = 'clear' | 'green' | 'amber' | 'red';
export type ObservableType = 'url' | 'ipv4' | 'ipv6' | 'domain' | 'email' | 'md5' | 'sha1' | 'sha256' | 'asn';

export interface Observable {
  type: string;
  value: string;
}

export interface Incident {
  id: string;
  ref: string;
  title: string;
  description: string | null;
  state: IncidentState;
  allowedTransitions: IncidentState[];
  severity: Severity;
  rsit: { taxonomy: string; type: string };
  tlp: string;
  pap: string;
  organizationId: string | null;
  ciiObject: string | null;
  source: 'analyst' | 'center' | 'report';
  sourceCenterId: string | null;
  externalId: string | null;
  assigneeUserId: string | null;
  assigneeCenterId: string | null;
  detectedAt: string | null;
  startedAt: string | null;
  awareAt: string;
  affectedSystems: string | null;
  mergedInto: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export type IncidentDetail = Incident & { observables: Observable[] };

export interface IncidentQuery {
  /** comma-separated states */
  state?: string;
  severity?: string;
  tlp?: string;
  organizationId?: string;
  centerId?: string;
  sector?: string;
  taxonomy?: string;
  from?: string;
  to?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

export interface NewIncident {
  title: string;
  severity: Severity;
  rsitTaxonomy: string;
  rsitType: string;
  tlp: Tlp;
  pap: Pap;
  organizationId?: string | null;
  description?: string | null;
  ciiObject?: string | null;
  detectedAt?: string | null;
  startedAt?: string | null;
  affectedSystems?: string | null;
  observables?: { type: ObservableType; value: string }[];
}

export interface IncidentPatch {
  version: number;
  title?: string;
  description?: string | null;
  severity?: Severity;
  rsitTaxonomy?: string;
  rsitType?: string;
  tlp?: Tlp;
  pap?: Pap;
  organizationId?: string | null;
  ciiObject?: string | null;
  affectedSystems?: string | null;
}

export interface TimelineEntry {
  id: number;
  at: string;
  actorId: string | null;
  actorLabel: string;
  kind: string;
  data: unknown;
}

export interface RelatedIncident {
  id: string;
  ref: string;
  title: string;
  state: string;
  severity: string;
  shared: number;
  observables: string[];
}

export interface IncidentTask {
  id: string;
  title: string;
  status: 'open' | 'done';
  assigneeUserId: string | null;
  dueAt: string | null;
  createdAt: string;
}

export interface IncidentComment {
  id: string;
  authorId: string | null;
  authorLabel: string;
  body: string;
  createdAt: string;
}

export type ClockStatus = 'running' | 'paused' | 'met' | 'met_late' | 'breached';

export interface IncidentClock {
  kind: string;
  label: string;
  source: 'sla' | 'regulatory';
  startedAt: string;
  dueAt: string;
  metAt: string | null;
  pausedAt: string | null;
  escalatedAt: string | null;
  breachedAt: string | null;
  status: ClockStatus;
  remainingSeconds: number | null;
}

export interface IncidentClocks {
  serverTime: string;
  items: IncidentClock[];
}

const id = (s: string) => encodeURIComponent(s);
const base = (incidentId: string) => `/incidents/${id(incidentId)}`;

export const incidentsApi = {
  list(query: IncidentQuery, signal?: AbortSignal): Promise<Page<Incident>> {
    return request<Page<Incident>>('/incidents', { query: { ...query }, signal });
  },
  create(input: NewIncident): Promise<IncidentDetail> {
    return request<IncidentDetail>('/incidents', { method: 'POST', json: input });
  },
  get(incidentId: string, signal?: AbortSignal): Promise<IncidentDetail> {
    return request<IncidentDetail>(base(incidentId), { signal });
  },
  update(incidentId: string, patch: IncidentPatch): Promise<Incident> {
    return request<Incident>(base(incidentId), { method: 'PATCH', json: patch });
  },
  transition(incidentId: string, input: { to: IncidentState; version: number; reason?: string }): Promise<Incident> {
    return request<Incident>(`${base(incidentId)}/transitions`, { method: 'POST', json: input });
  },
  /** `null` clears an assignee; a field left out keeps it. */
  assign(incidentId: string, input: { version: number; userId?: string | null; centerId?: string | null }): Promise<Incident> {
    return request<Incident>(`${base(incidentId)}/assignment`, { method: 'POST', json: input });
  },
  /** Merges this incident (at `version`) into `into`; it ends as `merged`. */
  merge(incidentId: string, input: { into: string; version: number }): Promise<Incident> {
    return request<Incident>(`${base(incidentId)}/merge`, { method: 'POST', json: input });
  },
  timeline(incidentId: string, signal?: AbortSignal): Promise<TimelineEntry[]> {
    return request<{ items: TimelineEntry[] }>(`${base(incidentId)}/timeline`, { signal }).then((r) => r.items);
  },
  related(incidentId: string, signal?: AbortSignal): Promise<RelatedIncident[]> {
    return request<{ items: RelatedIncident[] }>(`${base(incidentId)}/related`, { signal }).then((r) => r.items);
  },

  tasks(incidentId: string, signal?: AbortSignal): Promise<IncidentTask[]> {
    return request<{ items: IncidentTask[] }>(`${base(incidentId)}/tasks`, { signal }).then((r) => r.items);
  },
  addTask(incidentId: string, input: { title: string; assigneeUserId?: string | null; dueAt?: string | null }): Promise<IncidentTask> {
    return request<IncidentTask>(`${base(incidentId)}/tasks`, { method: 'POST', json: input });
  },
  updateTask(
    incidentId: string,
    taskId: string,
    input: { title?: string; status?: 'open' | 'done'; assigneeUserId?: string | null; dueAt?: string | null },
  ): Promise<IncidentTask> {
    return request<IncidentTask>(`${base(incidentId)}/tasks/${id(taskId)}`, { method: 'PATCH', json: input });
  },

  comments(incidentId: string, signal?: AbortSignal): Promise<IncidentComment[]> {
    return request<{ items: IncidentComment[] }>(`${base(incidentId)}/comments`, { signal }).then((r) => r.items);
  },
  addComment(incidentId: string, body: string): Promise<IncidentComment> {
    return request<IncidentComment>(`${base(incidentId)}/comments`, { method: 'POST', json: { body } });
  },

  clocks(incidentId: string, signal?: AbortSignal): Promise<IncidentClocks> {
    return request<IncidentClocks>(`${base(incidentId)}/clocks`, { signal });
  },
  /** Pauses the open SLA clocks (waiting on the constituent); regulatory deadlines keep running. */
  pauseClocks(incidentId: string, reason?: string): Promise<IncidentClocks> {
    return request<IncidentClocks>(`${base(incidentId)}/clocks/pause`, { method: 'POST', json: reason ? { reason } : {} });
  },
  resumeClocks(incidentId: string, reason?: string): Promise<IncidentClocks> {
    return request<IncidentClocks>(`${base(incidentId)}/clocks/resume`, { method: 'POST', json: reason ? { reason } : {} });
  },
  markClockMet(incidentId: string, kind: string): Promise<IncidentClock> {
    return request<IncidentClock>(`${base(incidentId)}/clocks/${id(kind)}/met`, { method: 'POST' });
  },
};

/** The version the server holds after a 409 `incident.version_conflict`, or null for any other error. */
export function versionConflict(err: unknown): { currentVersion: number | null } | null {
  if (!(err instanceof ApiError) || err.code !== 'incident.version_conflict') return null;
  const v = (err.details as { currentVersion?: unknown } | null)?.currentVersion;
  return { currentVersion: typeof v === 'number' ? v : null };
}

/** The states allowed instead, after a 409 `incident.invalid_transition`, or null for any other error. */
export function invalidTransition(err: unknown): { allowed: IncidentState[] } | null {
  if (!(err instanceof ApiError) || err.code !== 'incident.invalid_transition') return null;
  const allowed = (err.details as { allowed?: unknown } | null)?.allowed;
  return { allowed: Array.isArray(allowed) ? (allowed as IncidentState[]) : [] };
}
