// Threat intelligence in the console: the STIX 2.1 store, its versions, graph, observables and sightings.
import { API_BASE, request } from './api';

export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/** One stored version of a STIX object (the object itself only where asked for). */
export interface StixRecord {
  id: string;
  type: string;
  modified: string;
  created: string;
  dateAdded: string;
  tlp: Tlp;
  pap: string | null;
  source: string;
  revoked: boolean;
  label: string | null;
  object: Record<string, unknown>;
}

export type StixVersion = Omit<StixRecord, 'object'>;

export interface StixPage {
  items: StixRecord[];
  nextCursor: string | null;
}

export interface StixDetail {
  current: StixRecord;
  versions: StixVersion[];
}

export interface StixEdge {
  id: string;
  sourceRef: string;
  targetRef: string;
  relationshipType: string;
}

export interface StixRelationships {
  edges: StixEdge[];
  objects: StixRecord[];
}

export interface SeenSample {
  targetId: string;
  kind: string;
  value: string;
  matched: string;
  match: 'exact' | 'range' | 'domain';
}

export interface Seen {
  total: number;
  overCorrelated: boolean;
  samples: SeenSample[];
}

export interface IntelSightings {
  incidents: Seen;
  events: Seen;
  stixSightings: StixEdge[];
}

export interface IntelObservable {
  kind: string;
  value: string;
  origin: 'pattern' | 'sco';
}

export interface ImportIssue {
  id: string | null;
  code: string;
  reason: string;
}

export interface StixImportResult {
  bundleId: string | null;
  accepted: { id: string; modified: string }[];
  duplicates: { id: string; modified: string }[];
  rejected: ImportIssue[];
  warnings: ImportIssue[];
  idChanges: { from: string; to: string }[];
  correlations: { incidents: number; events: number; overCorrelated: string[] };
}

export interface MispImportResult {
  eventUuid: string;
  skipped: { uuid: string | null; type: string; reason: string }[];
  result: StixImportResult;
}

export interface MispFeedFields {
  name: string;
  url: string;
  intervalSeconds: number;
  maxEventsPerRun: number;
  enabled: boolean;
}

/** A partner's MISP feed, imported on a schedule. */
export interface MispFeed extends MispFeedFields {
  id: string;
  partnerId: string;
  nextRunAt: string;
  lastRun: { at: string | null; outcome: string | null; error: string | null; count: number | null };
}

export interface MispFeedRun {
  outcome: 'ok' | 'failed';
  listed: number;
  imported: number;
  failed: { uuid: string; code: string; message: string }[];
  error: { code: string; message: string } | null;
}

/** Where this Vigil publishes its store as a MISP feed (what the viewer may see). */
export const MISP_FEED_BASE = `${API_BASE}/intel/misp/feed`;

const obj = (id: string) => `/intel/objects/${encodeURIComponent(id)}`;

export const intelApi = {
  objects(params: { type?: string; q?: string; limit?: number; cursor?: string }, signal?: AbortSignal): Promise<StixPage> {
    return request<StixPage>('/intel/objects', { query: params, signal });
  },
  object(id: string, signal?: AbortSignal): Promise<StixDetail> {
    return request<StixDetail>(obj(id), { signal });
  },
  /** One stored version (id + modified), with the object as stored. */
  version(id: string, modified: string, signal?: AbortSignal): Promise<StixRecord> {
    return request<StixRecord>(`${obj(id)}/versions/${encodeURIComponent(modified)}`, { signal });
  },
  relationships(id: string, signal?: AbortSignal): Promise<StixRelationships> {
    return request<StixRelationships>(`${obj(id)}/relationships`, { signal });
  },
  sightings(id: string, signal?: AbortSignal): Promise<IntelSightings> {
    return request<IntelSightings>(`${obj(id)}/sightings`, { signal });
  },
  observables(id: string, signal?: AbortSignal): Promise<{ items: IntelObservable[]; truncated: boolean }> {
    return request<{ items: IntelObservable[]; truncated: boolean }>(`${obj(id)}/observables`, { signal });
  },
  importBundle(body: Blob | string): Promise<StixImportResult> {
    return request<StixImportResult>('/intel/bundles', { method: 'POST', body, contentType: 'application/json' });
  },
  /** Imports a MISP event (`{"Event": {...}}`): attributes become indicators or observables, the event a report. */
  importMispEvent(body: Blob | string): Promise<MispImportResult> {
    return request<MispImportResult>('/intel/misp/events', { method: 'POST', body, contentType: 'application/json' });
  },
  mispFeeds(signal?: AbortSignal): Promise<MispFeed[]> {
    return request<{ items: MispFeed[] }>('/intel/misp/feeds', { signal }).then((r) => r.items);
  },
  createMispFeed(input: MispFeedFields & { partnerId: string }): Promise<MispFeed> {
    return request<MispFeed>('/intel/misp/feeds', { method: 'POST', json: input });
  },
  updateMispFeed(id: string, patch: Partial<MispFeedFields>): Promise<MispFeed> {
    return request<MispFeed>(`/intel/misp/feeds/${encodeURIComponent(id)}`, { method: 'PATCH', json: patch });
  },
  runMispFeed(id: string): Promise<MispFeedRun> {
    return request<MispFeedRun>(`/intel/misp/feeds/${encodeURIComponent(id)}/run`, { method: 'POST' });
  },
  exportUrl(params: { type?: string; q?: string }): string {
    const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    return `${API_BASE}/intel/export${qs ? `?${qs}` : ''}`;
  },
};
