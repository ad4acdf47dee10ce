// Public reports as analysts see them: the triage queue, one report, its attachments (downloaded,
// never shown inline), status changes, and turning a report into an incident.
import { API_BASE, ApiError, request } from './api';
import type { Page } from './api-types';
import type { Incident, Pap, Severity, Tlp } from './api-incidents';

export type ReportStatus = 'received' | 'in_review' | 'linked' | 'closed' | 'rejected';

export interface ReportSummary {
  id: string;
  trackingCode: string;
  category: string;
  rsit: { taxonomy: string; type: string };
  status: ReportStatus;
  descriptionPreview: string | null;
  observableCount: number;
  attachmentCount: number;
  incidentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ReportObservable {
  type: string;
  value: string;
  source: 'given' | 'extracted';
}

export interface ReportAttachment {
  sha256: string;
  filename: string;
  declaredType: string | null;
  sniffedType: string;
  size: number;
}

export interface ReportDetail {
  id: string;
  trackingCode: string;
  category: string;
  rsit: { taxonomy: string; type: string };
  status: ReportStatus;
  publicNote: string | null;
  description: string | null;
  contact: { name: string | null; email: string | null; phone: string | null } | null;
  observables: ReportObservable[];
  attachments: ReportAttachment[];
  submitter: { addressHash: string; userAgent: string | null };
  incidentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ReportQuery {
  status?: ReportStatus | '';
  category?: string;
  limit?: number;
  cursor?: string | null;
}

export interface ReportPatch {
  status?: ReportStatus;
  /** null clears it */
  publicNote?: string | null;
}

export interface IncidentFromReport {
  severity: Severity;
  tlp?: Tlp;
  pap?: Pap;
  title?: string;
  /** Left out: the constituency lookup finds the owner from the report's observables. */
  organizationId?: string | null;
}

export const REPORT_STATUSES: readonly ReportStatus[] = ['received', 'in_review', 'linked', 'closed', 'rejected'];

/** The analysts' words for a report's status (the reporter's page words them for the public). */
export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  received: 'Received',
  in_review: 'In review',
  linked: 'Linked to incident',
  closed: 'Closed',
  rejected: 'Rejected',
};

// Mirrors the server's categories (src/modules/reports/categories.ts), in the analysts' short words.
export const REPORT_CATEGORIES: readonly { key: string; label: string }[] = [
  { key: 'phishing', label: 'Phishing' },
  { key: 'fraud', label: 'Fraud or impersonation' },
  { key: 'malware', label: 'Malware' },
  { key: 'account_takeover', label: 'Account takeover' },
  { key: 'data_leak', label: 'Data leak' },
  { key: 'ddos', label: 'DDoS' },
  { key: 'vulnerable_system', label: 'Vulnerable system' },
  { key: 'child_abuse', label: 'Child sexual abuse material' },
  { key: 'other', label: 'Other' },
];

export function reportCategoryLabel(key: string): string {
  return REPORT_CATEGORIES.find((c) => c.key === key)?.label ?? key;
}

const id = (s: string) => encodeURIComponent(s);

export const reportsApi = {
  list(query: ReportQuery, signal?: AbortSignal): Promise<Page<ReportSummary>> {
    return request<Page<ReportSummary>>('/reports', {
      query: { status: query.status || undefined, category: query.category || undefined, limit: query.limit, cursor: query.cursor ?? undefined },
      signal,
    });
  },
  get(reportId: string, signal?: AbortSignal): Promise<ReportDetail> {
    return request<ReportDetail>(`/reports/${id(reportId)}`, { signal });
  },
  update(reportId: string, patch: ReportPatch): Promise<ReportDetail> {
    return request<ReportDetail>(`/reports/${id(reportId)}`, { method: 'PATCH', json: patch });
  },
  openIncident(reportId: string, input: IncidentFromReport): Promise<Incident> {
    return request<Incident>(`/reports/${id(reportId)}/incident`, { method: 'POST', json: input });
  },
  /** The server answers `application/octet-stream` with `Content-Disposition: attachment`: the browser saves it. */
  attachmentUrl(reportId: string, sha256: string): string {
    return `${API_BASE}/reports/${id(reportId)}/attachments/${id(sha256)}`;
  },
};

/** The incident a report already belongs to, after a 409 `report.already_linked`; null for any other error. */
export function alreadyLinked(err: unknown): { incidentId: string | null } | null {
  if (!(err instanceof ApiError) || err.code !== 'report.already_linked') return null;
  const v = (err.details as { incidentId?: unknown } | null)?.incidentId;
  return { incidentId: typeof v === 'string' ? v : null };
}
