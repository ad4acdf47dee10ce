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
  exportUrl(params: { type?: string; q?: string }): string {
    const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    return `${API_BASE}/intel/export${qs ? `?${qs}` : ''}`;
  },
};
