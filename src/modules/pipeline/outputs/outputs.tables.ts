import type { ColumnType, Generated, Selectable } from 'kysely';
import type { DigestFrequency } from './digests.period.ts';

// Table types of the pipeline outputs; migrations/0012_pipeline_outputs.sql is the source of truth.

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type DigestEmailTo = 'none' | 'duty' | 'roles';

export type DigestSchedulesTable = {
  organization_id: string;
  frequency: DigestFrequency;
  hour_utc: number;
  weekday: number;
  email_to: DigestEmailTo;
  email_roles: string[];
  webhook_endpoint_ids: string[];
  last_period_end: Timestamp | null;
  next_period_end: Timestamp | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type DigestsTable = {
  id: string;
  organization_id: string;
  period_start: Timestamp;
  period_end: Timestamp;
  trigger: 'schedule' | 'manual';
  state: 'queued' | 'sent';
  event_count: number | null;
  csv_sha256: string | null;
  created_at: Timestamp;
  built_at: Timestamp | null;
};

export type DigestDeliveriesTable = {
  id: string;
  digest_id: string;
  organization_id: string;
  period_start: Timestamp;
  period_end: Timestamp;
  channel: 'email' | 'webhook';
  recipient: string;
  event_count: number;
  attachment_sha256: string | null;
  is_signed: boolean;
  notification_id: string;
  created_at: Timestamp;
};

export type DigestScheduleRow = Selectable<DigestSchedulesTable>;
export type DigestRow = Selectable<DigestsTable>;
export type DigestDeliveryRow = Selectable<DigestDeliveriesTable>;

declare module '../../../platform/db/schema.ts' {
  interface DB {
    digest_schedules: DigestSchedulesTable;
    digests: DigestsTable;
    digest_deliveries: DigestDeliveriesTable;
  }
}
