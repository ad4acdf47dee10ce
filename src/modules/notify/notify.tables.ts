import type { ColumnType, Generated, Selectable } from 'kysely';

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
  /** E-mail only: sign with the configured OpenPGP key (PGP/MIME). Added by 0012. */
  is_signed: Generated<boolean>;
};

/** Files an e-mail carries, kept in the outbox so a restart loses nothing (0012). */
export type NotificationAttachmentsTable = {
  notification_id: string;
  seq: number;
  filename: string;
  content_type: string;
  content: Uint8Array;
  size: number;
  sha256: string;
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
export type NotificationAttachmentRow = Selectable<NotificationAttachmentsTable>;

declare module '../../platform/db/schema.ts' {
  interface DB {
    notifications: NotificationsTable;
    webhook_endpoints: WebhookEndpointsTable;
    notification_attachments: NotificationAttachmentsTable;
  }
}
