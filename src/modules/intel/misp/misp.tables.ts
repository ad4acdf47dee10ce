import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type MispFeedsTable = {
  id: string;
  partner_id: string;
  name: string;
  url: string;
  interval_seconds: number;
  max_events_per_run: number;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  next_run_at: Timestamp;
  last_run_at: Timestamp | null;
  last_outcome: string | null;
  last_error: string | null;
  last_count: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type MispFeedEventsTable = { feed_id: string; event_uuid: string; event_timestamp: ColumnType<string, number, number>; imported_at: Timestamp };

declare module '../../../platform/db/schema.ts' {
  interface DB {
    misp_feeds: MispFeedsTable;
    misp_feed_events: MispFeedEventsTable;
  }
}

export type MispFeedRow = Selectable<MispFeedsTable>;
