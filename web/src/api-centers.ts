// Centers as operational partners: heartbeat status, duty contacts, and the analysts' alerts.
import { request } from './api';
import type { Page } from './api-types';

export type CenterStatus = 'up' | 'late' | 'silent' | 'never';

export interface CenterContact {
  id: string;
  centerId: string;
  name: string;
  role: string;
  email: string;
  phone: string | null;
  is24x7: boolean;
  createdAt: string;
}

export interface NewCenterContact {
  name: string;
  role: string;
  email: string;
  phone?: string | null;
  is24x7: boolean;
}

export interface HeartbeatReport {
  version?: string;
  queueDepth?: number;
  message?: string;
}

export interface BoardCenter {
  id: string;
  name: string;
  description: string | null;
  status: CenterStatus;
  lastHeartbeatAt: string | null;
  nextExpectedBefore: string | null;
  lastReport: HeartbeatReport | null;
  heartbeatIntervalSeconds: number;
  silentAfterSeconds: number;
  organizationCount: number;
  contactCount: number;
  dutyContacts: CenterContact[];
  createdAt: string;
  updatedAt: string;
}

export type BoardCenterDetail = BoardCenter & { organizationIds: string[]; contacts: CenterContact[] };

export interface CenterPatch {
  name?: string;
  description?: string | null;
  heartbeatIntervalSeconds?: number;
  silentAfterSeconds?: number;
}

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface VigilAlert {
  id: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  subject: string;
  detail: Record<string, unknown>;
  entityType: string | null;
  entityId: string | null;
  status: AlertStatus;
  createdAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
}

const id = (s: string) => encodeURIComponent(s);

export const centersApi = {
  board(signal?: AbortSignal): Promise<BoardCenter[]> {
    return request<{ items: BoardCenter[] }>('/centers', { signal }).then((r) => r.items);
  },
  center(centerId: string, signal?: AbortSignal): Promise<BoardCenterDetail> {
    return request<BoardCenterDetail>(`/centers/${id(centerId)}`, { signal });
  },
  update(centerId: string, patch: CenterPatch): Promise<BoardCenterDetail> {
    return request<BoardCenterDetail>(`/centers/${id(centerId)}`, { method: 'PATCH', json: patch });
  },
  addContact(centerId: string, input: NewCenterContact): Promise<CenterContact> {
    return request<CenterContact>(`/centers/${id(centerId)}/contacts`, { method: 'POST', json: input });
  },
  removeContact(centerId: string, contactId: string): Promise<void> {
    return request<void>(`/centers/${id(centerId)}/contacts/${id(contactId)}`, { method: 'DELETE' });
  },

  /** Alerts not yet resolved (open and acknowledged), newest first. National staff only. */
  unresolvedAlerts(signal?: AbortSignal): Promise<Page<VigilAlert>> {
    return request<Page<VigilAlert>>('/alerts', { query: { status: 'unresolved', limit: 200 }, signal });
  },
  acknowledge(alertId: string): Promise<VigilAlert> {
    return request<VigilAlert>(`/alerts/${id(alertId)}/acknowledge`, { method: 'POST' });
  },
};
