// The event pipeline in the console: feeds and their status, feed errors, events, digests.
import { API_BASE, ApiError, request } from './api';
import type { Page } from './api-types';

export type FeedKind = 'http' | 'drop' | 'push' | 'misp';
export type FeedFormat = 'csv' | 'jsonl' | 'list' | 'intelmq' | 'stix' | 'misp';
export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

export interface Feed {
  id: string;
  name: string;
  kind: FeedKind;
  format: FeedFormat;
  config: Record<string, unknown>;
  parser: Record<string, unknown>;
  rules: unknown;
  dedup: Record<string, unknown>;
  scheduleSeconds: number | null;
  isEnabled: boolean;
  tlp: Tlp;
  provider: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  status: {
    lastRunAt: string | null;
    lastResult: string | null;
    lastError: string | null;
    reports: number;
    events: number;
    errors: number;
    lastReportAt: string | null;
    lastReportEventsPerSec: number | null;
  };
}

export interface NewFeed {
  name: string;
  kind: FeedKind;
  format: FeedFormat;
  config?: Record<string, unknown>;
  parser?: Record<string, unknown>;
  scheduleSeconds?: number | null;
  tlp?: Tlp;
  provider?: string | null;
  isEnabled?: boolean;
}

export type FeedPatch = Partial<Omit<NewFeed, 'kind'>> & { version: number };

export interface FeedQueueStatus {
  feedId: string;
  queueChunks: number;
  queueBytes: number;
  deadChunks: number;
  lagSeconds: number;
}

/** A chunk of a report that failed every attempt (a dead letter); requeue it once the cause is fixed. */
export interface DeadChunk {
  id: number;
  reportId: string;
  seq: number;
  firstLine: number;
  lineCount: number;
  attempts: number;
  lastError: string | null;
}

export interface FeedError {
  id: number;
  reportId: string | null;
  line: number | null;
  code: string;
  field: string | null;
  message: string;
  excerpt: string | null;
  createdAt: string;
}

/** A shipped CSV (or other) layout: parser settings to start a feed from. */
export interface FeedMapping {
  id: string;
  name: string;
  description?: string;
  format: FeedFormat;
  parser: Record<string, unknown>;
}

export interface VigilEvent {
  id: string;
  timeObservation: string;
  timeSource: string | null;
  feedId: string;
  organizationId: string | null;
  classification: { taxonomy: string; type: string };
  source: { ip: string | null; port: number | null; asn: number | null; fqdn: string | null; url: string | null; cc: string | null };
  tlp: string;
  event: Record<string, unknown>;
}

export interface EventFilters {
  organizationId?: string;
  feedId?: string;
  taxonomy?: string;
  type?: string;
  ip?: string;
  asn?: string;
  since?: string;
  until?: string;
  cursor?: string | null;
  limit?: number;
}

export type DigestFrequency = 'off' | 'hourly' | 'daily' | 'weekly';

export interface DigestSchedule {
  organizationId: string;
  frequency: DigestFrequency;
  hourUtc: number;
  weekday: number;
  emailTo: 'none' | 'duty' | 'roles';
  emailRoles: string[];
  webhookEndpointIds: string[];
  lastPeriodEnd: string | null;
  nextPeriodEnd: string | null;
  version: number;
  updatedAt: string | null;
}

export type DigestScheduleInput = Pick<DigestSchedule, 'frequency' | 'hourUtc' | 'weekday' | 'emailTo' | 'emailRoles' | 'webhookEndpointIds'>;

export interface Digest {
  id: string;
  organizationId: string;
  periodStart: string;
  periodEnd: string;
  trigger: 'schedule' | 'manual';
  state: 'queued' | 'sent';
  eventCount: number | null;
}

export interface DigestDelivery {
  id: string;
  digestId: string;
  organization: { id: string; name: string | null };
  periodStart: string;
  periodEnd: string;
  channel: 'email' | 'webhook';
  recipient: string;
  eventCount: number;
  attachmentSha256: string | null;
  isSigned: boolean;
  notificationId: string;
  status: 'pending' | 'sent' | 'failed';
  queuedAt: string;
  sentAt: string | null;
  lastError: string | null;
}

export interface WebhookEndpoint {
  id: string;
  name: string;
  url: string;
  isActive: boolean;
}

const eventQuery = (f: EventFilters) => ({ ...f, limit: f.limit ?? 50, cursor: f.cursor ?? undefined });

export const pipelineApi = {
  feeds: (signal?: AbortSignal) => request<{ items: Feed[] }>('/feeds', { signal }).then((r) => r.items),
  feed: (id: string, signal?: AbortSignal) => request<Feed>(`/feeds/${encodeURIComponent(id)}`, { signal }),
  createFeed: (input: NewFeed) => request<Feed>('/feeds', { method: 'POST', json: input }),
  updateFeed: (id: string, patch: FeedPatch) => request<Feed>(`/feeds/${encodeURIComponent(id)}`, { method: 'PATCH', json: patch }),
  runFeed: (id: string) => request<{ result: string }>(`/feeds/${encodeURIComponent(id)}/run`, { method: 'POST' }),
  feedStatus: (signal?: AbortSignal) => request<{ items: FeedQueueStatus[] }>('/feed-status', { signal }).then((r) => r.items),
  feedErrors: (id: string, cursor: string | null, signal?: AbortSignal) =>
    request<Page<FeedError>>(`/feeds/${encodeURIComponent(id)}/errors`, { query: { cursor, limit: 100 }, signal }),
  deadChunks: (id: string, signal?: AbortSignal) => request<{ items: DeadChunk[] }>(`/feeds/${encodeURIComponent(id)}/dead-chunks`, { signal }).then((r) => r.items),
  requeueDeadChunks: (id: string, chunkIds?: number[]) =>
    request<{ requeued: number; chunkIds: number[] }>(`/feeds/${encodeURIComponent(id)}/dead-chunks/requeue`, { method: 'POST', json: chunkIds ? { chunkIds } : {} }),
  /** The shipped mappings; an empty list when this server offers none. */
  async mappings(signal?: AbortSignal): Promise<FeedMapping[]> {
    try {
      return (await request<{ items: FeedMapping[] }>('/feed-mappings', { signal })).items;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return [];
      throw e;
    }
  },
  events: (f: EventFilters, signal?: AbortSignal) => request<Page<VigilEvent>>('/events', { query: eventQuery(f), signal }),
  /** A download link for the filtered events (CSV or IntelMQ JSON), streamed by the server. */
  eventsExportUrl(f: EventFilters, format: 'csv' | 'intelmq'): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...f, cursor: undefined, limit: undefined, format })) if (v) params.set(k, String(v));
    return `${API_BASE}/events?${params.toString()}`;
  },
  schedule: (orgId: string, signal?: AbortSignal) => request<DigestSchedule>(`/organizations/${encodeURIComponent(orgId)}/digest-schedule`, { signal }),
  setSchedule: (orgId: string, input: DigestScheduleInput) => request<DigestSchedule>(`/organizations/${encodeURIComponent(orgId)}/digest-schedule`, { method: 'PUT', json: input }),
  sendDigest: (orgId: string) => request<Digest>(`/organizations/${encodeURIComponent(orgId)}/digests`, { method: 'POST' }),
  deliveries: (q: { organizationId?: string; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<DigestDelivery>>('/digest-deliveries', { query: { organizationId: q.organizationId, cursor: q.cursor, limit: 50 }, signal }),
  webhookEndpoints: (signal?: AbortSignal) => request<{ items: WebhookEndpoint[] }>('/webhook-endpoints', { signal }).then((r) => r.items),
};
