import type { ColumnType, Selectable } from 'kysely';

// Table types of the notify module; migrations/0003_notify.sql is the source of truth.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type NotificationChannel = 'email' | 'webhook';
export type NotificationStatus = 'pending' | 'sent' | 'failed';

export type NotificationsTable = {
  id: string;
  channel: NotificationChannel;
  recipient: string;
  event: string | null;
  subject: string | null;
  body: string;
  payload: Json | null;
  status: NotificationStatus;
  attempts: number;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
  dedupe_key: string | null;
  related_type: string | null;
  related_id: string | null;
};

export type WebhookEndpointsTable = {
  id: string;
  name: string;
  url: string;
  secret: string;
  event_types: string[];
  is_active: boolean;
  created_at: Timestamp;
};

export type NotificationRow = Selectable<NotificationsTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

declare module '../../platform/db/schema.ts' {
  interface DB {
    notifications: NotificationsTable;
    webhook_endpoints: WebhookEndpointsTable;
  }
}
