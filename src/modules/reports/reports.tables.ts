import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type ReportStatus = 'received' | 'in_review' | 'linked' | 'closed' | 'rejected';

export type ReportsTable = {
  id: string;
  tracking_code: string;
  secret_hash: string;
  category: string;
  rsit_taxonomy: string;
  rsit_type: string;
  description: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  observables: Json;
  status: ReportStatus;
  public_status_note: string | null;
  client_ip_hash: string;
  user_agent: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  incident_id: string | null;
};

export type AttachmentsTable = {
  sha256: string;
  size: number;
  sniffed_type: string;
  data: Uint8Array;
  created_at: Timestamp;
};

export type ReportAttachmentsTable = {
  report_id: string;
  sha256: string;
  position: number;
  filename: string;
  declared_type: string | null;
};

export type ReportRateTable = { key: string; window_start: Timestamp; count: number };

export type ReportPowSpentTable = { challenge_id: string; expires_at: Timestamp };

declare module '../../platform/db/schema.ts' {
  interface DB {
    reports: ReportsTable;
    attachments: AttachmentsTable;
    report_attachments: ReportAttachmentsTable;
    report_rate: ReportRateTable;
    report_pow_spent: ReportPowSpentTable;
  }
}

export type ReportRow = Selectable<ReportsTable>;
