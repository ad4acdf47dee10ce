// The public reporting endpoints (no sign-in).
import { request } from '../../api';

export interface Challenge {
  challenge: string;
  difficulty: number;
  expiresAt: string;
}

export interface Receipt {
  trackingCode: string;
  secret: string;
  statusUrl: string;
  createdAt: string;
  observables: number;
  observablesTruncated: boolean;
  discarded?: { description: boolean; attachments: number; observables: number };
  notice?: string;
}

export type ReportStatus = 'received' | 'in_review' | 'linked' | 'closed' | 'rejected';

export interface PublicStatus {
  trackingCode: string;
  status: ReportStatus;
  category: string;
  createdAt: string;
  updatedAt: string;
  publicNote: string | null;
}

// Mirrors the server's categories (src/modules/reports/categories.ts); the server stays the authority.
export const CATEGORIES: { key: string; label: string }[] = [
  { key: 'phishing', label: 'Phishing — a fake site or message asking for passwords or payment details' },
  { key: 'fraud', label: 'Fraud or impersonation' },
  { key: 'malware', label: 'Malware or a virus on a device' },
  { key: 'account_takeover', label: 'Someone took over an account' },
  { key: 'data_leak', label: 'Leaked data (passwords, personal or confidential data)' },
  { key: 'ddos', label: 'A website or service is flooded (DDoS)' },
  { key: 'vulnerable_system', label: 'A vulnerable or exposed system' },
  { key: 'child_abuse', label: 'Illegal content involving children' },
  { key: 'other', label: 'Something else' },
];

export const CHILD_ABUSE = 'child_abuse';

// The server's defaults (it enforces them; these only warn early).
export const LIMITS = { maxFiles: 5, maxFileBytes: 10 * 1024 * 1024, maxTotalBytes: 25 * 1024 * 1024, maxDescription: 20_000 };

export const STATUS_LABELS: Record<ReportStatus, string> = {
  received: 'Received',
  in_review: 'In review',
  linked: 'Being handled as an incident',
  closed: 'Closed',
  rejected: 'Not pursued',
};

export function categoryLabel(key: string): string {
  return CATEGORIES.find((c) => c.key === key)?.label ?? key;
}

export const reportApi = {
  challenge(signal?: AbortSignal): Promise<Challenge> {
    return request<Challenge>('/reports/challenge', { signal, quiet401: true });
  },
  submit(form: FormData): Promise<Receipt> {
    return request<Receipt>('/reports', { method: 'POST', body: form, quiet401: true });
  },
  status(trackingCode: string, secret: string): Promise<PublicStatus> {
    return request<PublicStatus>('/reports/status', { method: 'POST', json: { trackingCode, secret }, quiet401: true });
  },
};
