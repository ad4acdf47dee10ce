import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A column with a database default: optional on insert. */
type WithDefault<S, W = S> = ColumnType<S, W | undefined, W>;

export type TaxiiStatusTable = {
  id: string;
  partner_id: string | null;
  user_id: string;
  collection_id: string;
  status: 'pending' | 'complete';
  request_timestamp: Timestamp;
  total_count: number;
  success_count: WithDefault<number>;
  failure_count: WithDefault<number>;
  pending_count: WithDefault<number>;
  successes: WithDefault<unknown, string>;
  failures: WithDefault<unknown, string>;
  pendings: WithDefault<unknown, string>;
  updated_at: Timestamp;
};

declare module '../../platform/db/schema.ts' {
  interface DB {
    taxii_status: TaxiiStatusTable;
  }
}

export type TaxiiStatusRow = Selectable<TaxiiStatusTable>;
