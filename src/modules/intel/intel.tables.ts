import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

/** TLP 2.0 levels, lower-case like incidents and feeds. */
export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
export type Pap = 'clear' | 'green' | 'amber' | 'red';

export type StixObjectsTable = {
  seq: Generated<number>;
  id: string;
  modified: Timestamp;
  created: Timestamp;
  type: string;
  spec_version: string;
  date_added: Timestamp;
  tlp: Tlp;
  pap: Pap | null;
  source: string;
  revoked: boolean;
  label: string | null;
  object: Json;
  sha256: string;
  /** A later version of this id is stored (kept by imports and deletions). */
  superseded: Generated<boolean>;
};

export type StixEdgesTable = { id: string; source_ref: string; target_ref: string; relationship_type: string };

export type IntelObservablesTable = { object_id: string; kind: string; value: string; net: string | null; origin: 'pattern' | 'sco' };

export type IntelCorrelationsTable = {
  object_id: string;
  target_kind: 'incident' | 'event';
  target_id: string;
  kind: string;
  value: string;
  matched: string;
  match: 'exact' | 'range' | 'domain';
  created_at: Timestamp;
};

export type IntelCorrelationCountsTable = { object_id: string; target_kind: 'incident' | 'event'; total: number; is_over: boolean; updated_at: Timestamp };

declare module '../../platform/db/schema.ts' {
  interface DB {
    stix_objects: StixObjectsTable;
    stix_edges: StixEdgesTable;
    intel_observables: IntelObservablesTable;
    intel_correlations: IntelCorrelationsTable;
    intel_correlation_counts: IntelCorrelationCountsTable;
  }
}

export type StixRow = Selectable<StixObjectsTable>;
export type CorrelationRow = Selectable<IntelCorrelationsTable>;
