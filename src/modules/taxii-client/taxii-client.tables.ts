import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type WithDefault<S, W = S> = ColumnType<S, W | undefined, W>;

export type TaxiiConnectionsTable = {
  id: string;
  partner_id: string;
  agreement_id: string;
  title: string;
  direction: 'poll' | 'push';
  discovery_url: string | null;
  api_root_url: string | null;
  collection_id: string;
  auth_type: 'none' | 'basic' | 'bearer';
  username: string | null;
  secret_enc: string | null;
  interval_seconds: number;
  page_size: number;
  enabled: WithDefault<boolean>;
  next_run_at: Timestamp;
  poll_added_after: string | null;
  push_after_seq: WithDefault<number>;
  last_run_at: Timestamp | null;
  last_outcome: string | null;
  last_error: string | null;
  last_count: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type TaxiiPushesTable = {
  id: string;
  connection_id: string;
  status_id: string | null;
  status: 'sending' | 'pending' | 'complete' | 'failed';
  total_count: number;
  success_count: WithDefault<number>;
  failure_count: WithDefault<number>;
  pending_count: WithDefault<number>;
  error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

declare module '../../platform/db/schema.ts' {
  interface DB {
    taxii_connections: TaxiiConnectionsTable;
    taxii_pushes: TaxiiPushesTable;
  }
}

export type ConnectionRow = Selectable<TaxiiConnectionsTable>;
export type PushRow = Selectable<TaxiiPushesTable>;
