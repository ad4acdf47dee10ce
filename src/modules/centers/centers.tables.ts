import type { ColumnType, Kysely, Selectable } from 'kysely';
import type { CentersTable, DB } from '../../platform/db/schema.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;
/** Nullable, optional on insert (the database default applies). */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** The columns migration 0004 added to `centers` (the base `CentersTable` in schema.ts predates them). */
export type CenterOpsColumns = {
  description: Optional<string>;
  heartbeat_interval_seconds: ColumnType<number, number | undefined, number>;
  silent_after_seconds: ColumnType<number, number | undefined, number>;
  last_heartbeat_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_heartbeat: ColumnType<unknown, string | null | undefined, string | null>;
};

export type CentersOpsTable = CentersTable & CenterOpsColumns;

export type CenterContactsTable = {
  id: string;
  center_id: string;
  name: string;
  role: string;
  email: string;
  phone: string | null;
  is_24x7: boolean;
  created_at: Timestamp;
};

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export type AlertsTable = {
  id: string;
  kind: string;
  severity: AlertSeverity;
  subject: string;
  detail: Json;
  entity_type: string | null;
  entity_id: string | null;
  dedupe_key: string | null;
  status: AlertStatus;
  created_at: Timestamp;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  resolved_at: Timestamp | null;
};

declare module '../../platform/db/schema.ts' {
  interface DB {
    center_contacts: CenterContactsTable;
    alerts: AlertsTable;
  }
}

/** The database as this module sees it: `centers` with its operational columns. */
export type CentersDB = Omit<DB, 'centers'> & { centers: CentersOpsTable };

/** The same connection (or transaction), typed with the operational columns of `centers`. */
export function ops(db: Kysely<DB>): Kysely<CentersDB> {
  return db as unknown as Kysely<CentersDB>;
}

export type CenterRow = Selectable<CentersOpsTable>;
export type CenterContactRow = Selectable<CenterContactsTable>;
export type AlertRow = Selectable<AlertsTable>;
