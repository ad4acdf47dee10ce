-- Event pipeline runtime: feeds (configuration + status), raw reports stored content-addressed
-- as chunks of whole lines (the chunk table is also the work queue), feed errors, and the events
-- table partitioned by month on time_observation.

CREATE TABLE feeds (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('http', 'drop', 'push', 'misp')),
  format text NOT NULL CHECK (format IN ('csv', 'jsonl', 'list', 'intelmq', 'stix', 'misp')),
  -- Collector settings of the kind (url, headers, max bytes, timeouts ...).
  config jsonb NOT NULL,
  -- Parser options (engineer A's schema), rules and deduplication (engineer B's schemas).
  parser jsonb NOT NULL,
  rules jsonb NOT NULL,
  dedup jsonb NOT NULL,
  -- Pull interval of http/misp feeds; null for drop/push.
  schedule_seconds integer CHECK (schedule_seconds IS NULL OR schedule_seconds >= 60),
  is_enabled boolean NOT NULL DEFAULT true,
  tlp text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
  provider text,
  accuracy integer CHECK (accuracy IS NULL OR accuracy BETWEEN 0 AND 100),
  code text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- Pull scheduling and HTTP validators (conditional requests).
  next_run_at timestamptz,
  http_etag text,
  http_last_modified text,
  -- Status for the console and /metrics.
  last_run_at timestamptz,
  last_result text CHECK (last_result IN ('stored', 'duplicate', 'not_modified', 'skipped', 'error')),
  last_error text,
  reports_total bigint NOT NULL DEFAULT 0,
  events_total bigint NOT NULL DEFAULT 0,
  errors_total bigint NOT NULL DEFAULT 0,
  last_report_at timestamptz,
  last_report_events_per_sec double precision
);
CREATE INDEX feeds_due_idx ON feeds (next_run_at) WHERE is_enabled AND kind IN ('http', 'misp');

CREATE TABLE feed_reports (
  id uuid PRIMARY KEY,
  feed_id uuid NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  -- Hex SHA-256 of the whole body; null while the body is still being received.
  sha256 text,
  bytes bigint NOT NULL DEFAULT 0,
  lines bigint NOT NULL DEFAULT 0,
  chunks integer NOT NULL DEFAULT 0,
  -- The header line withheld by the chunker (CSV with a header row); every chunk is parsed with it.
  header text,
  -- receiving: chunks being written, invisible to workers; queued: stored, chunks released;
  -- done: every chunk done; dead: at least one chunk dead letter, the others done.
  state text NOT NULL CHECK (state IN ('receiving', 'queued', 'done', 'dead')),
  source text NOT NULL CHECK (source IN ('push', 'http', 'drop', 'misp')),
  -- Where it came from: URL, file name, API caller ...
  source_ref text,
  events integer NOT NULL DEFAULT 0,
  errors integer NOT NULL DEFAULT 0,
  received_at timestamptz NOT NULL,
  stored_at timestamptz,
  finished_at timestamptz
);
CREATE UNIQUE INDEX feed_reports_sha_uq ON feed_reports (feed_id, sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX feed_reports_feed_idx ON feed_reports (feed_id, received_at DESC);
CREATE INDEX feed_reports_receiving_idx ON feed_reports (received_at) WHERE state = 'receiving';

-- Raw report content in chunks of whole lines; also the work queue (one chunk = one transaction).
CREATE TABLE feed_chunks (
  id bigserial PRIMARY KEY,
  report_id uuid NOT NULL REFERENCES feed_reports (id) ON DELETE CASCADE,
  feed_id uuid NOT NULL,
  seq integer NOT NULL,
  first_line integer NOT NULL,
  line_count integer NOT NULL,
  bytes integer NOT NULL,
  -- Kept as received (STORAGE EXTERNAL below); `raw` of line formats is read back from here.
  data bytea NOT NULL,
  -- pending: its report is still being received.
  state text NOT NULL CHECK (state IN ('pending', 'queued', 'running', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  run_at timestamptz NOT NULL,
  queued_at timestamptz,
  lease_until timestamptz,
  locked_by text,
  last_error text,
  events integer,
  errors integer,
  done_at timestamptz,
  UNIQUE (report_id, seq)
);
-- No pglz compression of the raw report: it costs ~2 µs per line on the embedded engine (WASM), on
-- the path of every report stored and every chunk processed; disk is the cheaper resource here.
ALTER TABLE feed_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE INDEX feed_chunks_due_idx ON feed_chunks (run_at) WHERE state = 'queued';
CREATE INDEX feed_chunks_lease_idx ON feed_chunks (lease_until) WHERE state = 'running';
CREATE INDEX feed_chunks_feed_state_idx ON feed_chunks (feed_id, state) WHERE state IN ('queued', 'running', 'dead');

-- What went wrong per feed: bad lines (line set) and collection failures (no report, no line).
CREATE TABLE feed_errors (
  id bigserial PRIMARY KEY,
  feed_id uuid NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  report_id uuid REFERENCES feed_reports (id) ON DELETE CASCADE,
  line integer,
  code text NOT NULL,
  field text,
  message text NOT NULL,
  excerpt text,
  created_at timestamptz NOT NULL
);
CREATE INDEX feed_errors_feed_idx ON feed_errors (feed_id, id DESC);
CREATE INDEX feed_errors_report_idx ON feed_errors (report_id, line);

-- MISP feeds: event files already taken (by uuid and timestamp).
CREATE TABLE feed_misp_events (
  feed_id uuid NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  event_uuid text NOT NULL,
  event_timestamp bigint NOT NULL,
  report_id uuid,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (feed_id, event_uuid)
);

-- Auto-incidents: one incident per rule, organization and UTC day (idempotent updates).
CREATE TABLE pipeline_incidents (
  rule_id text NOT NULL,
  organization_id uuid NOT NULL,
  day date NOT NULL,
  incident_id uuid NOT NULL,
  events integer NOT NULL DEFAULT 0,
  PRIMARY KEY (rule_id, organization_id, day)
);

-- Per-feed queue depth and lag, for the console and /metrics.
CREATE VIEW feed_queue_status AS
SELECT feed_id,
  count(*) FILTER (WHERE state = 'queued')::integer AS queued_chunks,
  count(*) FILTER (WHERE state = 'running')::integer AS running_chunks,
  count(*) FILTER (WHERE state = 'dead')::integer AS dead_chunks,
  coalesce(sum(bytes) FILTER (WHERE state IN ('queued', 'running')), 0)::bigint AS queued_bytes,
  min(queued_at) FILTER (WHERE state IN ('queued', 'running')) AS oldest_queued_at
FROM feed_chunks
WHERE state IN ('queued', 'running', 'dead')
GROUP BY feed_id;

CREATE TABLE events (
  id bigserial,
  time_observation timestamptz NOT NULL,
  time_source timestamptz,
  feed_id uuid NOT NULL,
  report_id uuid NOT NULL,
  line_no integer NOT NULL,
  organization_id uuid,
  classification_taxonomy text NOT NULL,
  classification_type text NOT NULL,
  source_ip inet,
  source_port integer,
  source_asn bigint,
  source_fqdn text,
  source_url text,
  source_cc text,
  tlp text NOT NULL,
  dedup_key text NOT NULL,
  -- Lean document: only the harmonized fields without a column, never `raw` of line formats nor
  -- extra.constituency (see src/modules/pipeline/process/event-rows.ts, toHarmonized rebuilds the
  -- full event). json, not jsonb: it is stored and read whole, never queried by key, and json input
  -- costs less per row (measured on PGlite).
  data json NOT NULL,
  -- (time_observation, id): appended at the right edge (ids and times grow together) and the order
  -- of every events listing (keyset pagination), so it also serves the analyst explorer.
  PRIMARY KEY (time_observation, id)
) PARTITION BY RANGE (time_observation);
-- Indexes by measurement (binary COPY into PGlite, lean rows): each b-tree costs ~1.5-2.5 µs a row.
-- Constituents' pull API and digests: their own events by time (events without owner never asked for).
CREATE INDEX events_org_idx ON events (organization_id, time_observation, id) WHERE organization_id IS NOT NULL;
-- Explorer per feed, and the embedded deduplicator's rebuild (a feed's keys of the last window).
CREATE INDEX events_feed_idx ON events (feed_id, time_observation);
-- No b-tree on every source_ip: its inserts land on random pages and cost ~4 µs per event (~20% of
-- the end-to-end budget on the embedded engine, measured). Address filters go through a time range
-- (the primary key) and, for constituents, the organization index; a BRIN would not help (addresses
-- are in no physical order). IPv6 events are few: the intel correlation's SQL range scans
-- (`family(source_ip) = 6`, src/modules/intel/correlate.write.ts) keep a partial index; IPv4 is
-- correlated in memory.
CREATE INDEX events_source_ip6_idx ON events (source_ip) WHERE family(source_ip) = 6;
CREATE TABLE events_default PARTITION OF events DEFAULT;

-- Creates the monthly partitions events_YYYY_MM (UTC) from this month to `months_ahead` months on.
-- Rows that already landed in the DEFAULT partition for a new month are moved into it first.
CREATE FUNCTION pipeline_ensure_event_partitions(months_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  first_day timestamp;
  lo text;
  hi text;
  part text;
  created integer := 0;
BEGIN
  FOR i IN 0..months_ahead LOOP
    first_day := date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i);
    part := 'events_' || to_char(first_day, 'YYYY_MM');
    CONTINUE WHEN to_regclass(part) IS NOT NULL;
    lo := to_char(first_day, 'YYYY-MM-DD') || ' 00:00:00+00';
    hi := to_char(first_day + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
    EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS)', part);
    EXECUTE format('WITH moved AS (DELETE FROM events_default WHERE time_observation >= %L AND time_observation < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', lo, hi, part);
    EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;

SELECT pipeline_ensure_event_partitions(2);
