import type { ColumnType, Generated, Selectable } from 'kysely';

// Table types of the pipeline runtime; migrations/0010_pipeline.sql is the source of truth.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;
/** bigint columns: read as numbers (see database.ts), written as numbers. */
type Count = ColumnType<number, number | undefined, number>;

export type FeedKind = 'http' | 'drop' | 'push' | 'misp';
export type FeedRunResult = 'stored' | 'duplicate' | 'not_modified' | 'skipped' | 'error';
export type ReportState = 'receiving' | 'queued' | 'done' | 'dead';
export type ReportSource = 'push' | 'http' | 'drop' | 'misp';
export type ChunkState = 'pending' | 'queued' | 'running' | 'done' | 'dead';

export type FeedsTable = {
  id: string;
  name: string;
  kind: FeedKind;
  format: string;
  config: Json;
  parser: Json;
  rules: Json;
  dedup: Json;
  schedule_seconds: number | null;
  is_enabled: boolean;
  tlp: string;
  provider: string | null;
  accuracy: number | null;
  code: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  next_run_at: Timestamp | null;
  http_etag: string | null;
  http_last_modified: string | null;
  last_run_at: Timestamp | null;
  last_result: FeedRunResult | null;
  last_error: string | null;
  reports_total: Count;
  events_total: Count;
  errors_total: Count;
  last_report_at: Timestamp | null;
  last_report_events_per_sec: number | null;
};

export type FeedReportsTable = {
  id: string;
  feed_id: string;
  sha256: string | null;
  bytes: Count;
  lines: Count;
  chunks: Generated<number>;
  header: string | null;
  state: ReportState;
  source: ReportSource;
  source_ref: string | null;
  events: Generated<number>;
  errors: Generated<number>;
  received_at: Timestamp;
  stored_at: Timestamp | null;
  finished_at: Timestamp | null;
};

export type FeedChunksTable = {
  id: Generated<number>;
  report_id: string;
  feed_id: string;
  seq: number;
  first_line: number;
  line_count: number;
  bytes: number;
  data: Uint8Array;
  state: ChunkState;
  attempts: Generated<number>;
  run_at: Timestamp;
  queued_at: Timestamp | null;
  lease_until: Timestamp | null;
  locked_by: string | null;
  last_error: string | null;
  events: number | null;
  errors: number | null;
  done_at: Timestamp | null;
};

export type FeedErrorsTable = {
  id: Generated<number>;
  feed_id: string;
  report_id: string | null;
  line: number | null;
  code: string;
  field: string | null;
  message: string;
  excerpt: string | null;
  created_at: Timestamp;
};

export type FeedMispEventsTable = {
  feed_id: string;
  event_uuid: string;
  event_timestamp: number;
  report_id: string | null;
  seen_at: Timestamp;
};

export type PipelineIncidentsTable = {
  rule_id: string;
  organization_id: string;
  day: ColumnType<string, string, string>;
  incident_id: string;
  events: number;
};

/** Read-only view: per-feed queue depth and lag. */
export type FeedQueueStatusView = {
  feed_id: string;
  queued_chunks: number;
  running_chunks: number;
  dead_chunks: number;
  queued_bytes: number;
  oldest_queued_at: Date | null;
};

/** Partitioned by month on time_observation (events_YYYY_MM + events_default). */
export type EventsTable = {
  id: Generated<number>;
  time_observation: Timestamp;
  time_source: Timestamp | null;
  feed_id: string;
  report_id: string;
  line_no: number;
  organization_id: string | null;
  classification_taxonomy: string;
  classification_type: string;
  source_ip: string | null;
  source_port: number | null;
  source_asn: number | null;
  source_fqdn: string | null;
  source_url: string | null;
  source_cc: string | null;
  tlp: string;
  dedup_key: string;
  data: Json;
};

export type FeedRow = Selectable<FeedsTable>;
export type FeedReportRow = Selectable<FeedReportsTable>;
export type FeedChunkRow = Selectable<FeedChunksTable>;
export type FeedErrorRow = Selectable<FeedErrorsTable>;
export type EventRow = Selectable<EventsTable>;

declare module '../../platform/db/schema.ts' {
  interface DB {
    feeds: FeedsTable;
    feed_reports: FeedReportsTable;
    feed_chunks: FeedChunksTable;
    feed_errors: FeedErrorsTable;
    feed_misp_events: FeedMispEventsTable;
    pipeline_incidents: PipelineIncidentsTable;
    feed_queue_status: FeedQueueStatusView;
    events: EventsTable;
  }
}
