-- Intelligence exchange: the TAXII 2.1 client (poll partners' collections, push to them) and MISP
-- feeds imported on a schedule.

-- One configured TAXII collection of a partner. `poll` imports its objects (source partner:<id>,
-- screened against the inbound agreement); `push` sends what the outbound agreement allows.
CREATE TABLE taxii_connections (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  agreement_id uuid NOT NULL REFERENCES sharing_agreements (id),
  title text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('poll', 'push')),
  -- Exactly one: a discovery URL (its default API root is used) or an API root URL.
  discovery_url text,
  api_root_url text,
  collection_id text NOT NULL,
  auth_type text NOT NULL CHECK (auth_type IN ('none', 'basic', 'bearer')),
  username text,
  -- The password or token, AES-256-GCM encrypted with the secrets key (never returned by the API).
  secret_enc text,
  interval_seconds integer NOT NULL CHECK (interval_seconds BETWEEN 60 AND 604800),
  page_size integer NOT NULL CHECK (page_size BETWEEN 1 AND 1000),
  enabled boolean NOT NULL DEFAULT true,
  next_run_at timestamptz NOT NULL,
  -- Poll checkpoint: the last X-TAXII-Date-Added-Last committed with its page's import.
  poll_added_after text,
  -- Push checkpoint: the store's insertion order (stix_objects.seq) pushed so far.
  push_after_seq bigint NOT NULL DEFAULT 0,
  last_run_at timestamptz,
  last_outcome text,
  last_error text,
  last_count integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((discovery_url IS NULL) <> (api_root_url IS NULL)),
  CHECK (auth_type = 'none' OR secret_enc IS NOT NULL),
  CHECK (auth_type <> 'basic' OR username IS NOT NULL)
);
CREATE INDEX taxii_connections_partner_idx ON taxii_connections (partner_id);
CREATE INDEX taxii_connections_due_idx ON taxii_connections (next_run_at) WHERE enabled;

-- Envelopes pushed and the partner's status resource for each (re-polled while pending).
CREATE TABLE taxii_pushes (
  id uuid PRIMARY KEY,
  connection_id uuid NOT NULL REFERENCES taxii_connections (id),
  status_id text,
  status text NOT NULL CHECK (status IN ('sending', 'pending', 'complete', 'failed')),
  total_count integer NOT NULL,
  success_count integer NOT NULL DEFAULT 0,
  failure_count integer NOT NULL DEFAULT 0,
  pending_count integer NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX taxii_pushes_connection_idx ON taxii_pushes (connection_id, created_at);
CREATE INDEX taxii_pushes_pending_idx ON taxii_pushes (connection_id) WHERE status = 'pending';

-- A MISP feed (manifest.json + <uuid>.json over HTTP) imported into the STIX store on a schedule,
-- with the provenance of the partner that publishes it.
CREATE TABLE misp_feeds (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  name text NOT NULL,
  url text NOT NULL,
  interval_seconds integer NOT NULL CHECK (interval_seconds BETWEEN 60 AND 604800),
  max_events_per_run integer NOT NULL CHECK (max_events_per_run BETWEEN 1 AND 10000),
  enabled boolean NOT NULL DEFAULT true,
  next_run_at timestamptz NOT NULL,
  last_run_at timestamptz,
  last_outcome text,
  last_error text,
  last_count integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX misp_feeds_due_idx ON misp_feeds (next_run_at) WHERE enabled;

-- Events of a feed already imported, at which MISP timestamp (committed with the event's import).
CREATE TABLE misp_feed_events (
  feed_id uuid NOT NULL REFERENCES misp_feeds (id),
  event_uuid uuid NOT NULL,
  event_timestamp bigint NOT NULL,
  imported_at timestamptz NOT NULL,
  PRIMARY KEY (feed_id, event_uuid)
);
