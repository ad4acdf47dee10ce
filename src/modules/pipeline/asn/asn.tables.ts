import type { ColumnType, Generated, Selectable } from 'kysely';

// Table types of the pipeline experts; migrations/0011_asn_prefixes.sql is the source of truth.

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type AsnPrefixesTable = {
  prefix: string;
  asn: number;
  origins: ColumnType<number[], string, string>;
  cc: string | null;
  as_name: string | null;
};

export type AsnPrefixImportsTable = {
  seq: Generated<number>;
  imported_at: Timestamp;
  actor: string;
  source: 'api' | 'cli' | 'sample';
  sha256: string;
  lines: number;
  prefixes_v4: number;
  prefixes_v6: number;
  asns: number;
};

export type EventDedupTable = {
  key: string;
  expires_at: Timestamp;
};

export type AsnPrefixRow = Selectable<AsnPrefixesTable>;
export type AsnPrefixImportRow = Selectable<AsnPrefixImportsTable>;

declare module '../../../platform/db/schema.ts' {
  interface DB {
    asn_prefixes: AsnPrefixesTable;
    asn_prefix_imports: AsnPrefixImportsTable;
    event_dedup: EventDedupTable;
  }
}
