-- Centers as live operational partners: heartbeats, duty contacts, and analyst alerts.

ALTER TABLE centers
  ADD COLUMN description text CHECK (length(description) <= 2000),
  ADD COLUMN heartbeat_interval_seconds integer NOT NULL DEFAULT 300 CHECK (heartbeat_interval_seconds BETWEEN 10 AND 86400),
  ADD COLUMN silent_after_seconds integer NOT NULL DEFAULT 900 CHECK (silent_after_seconds <= 604800),
  -- What the center last reported ({ version, queueDepth, message }) and when it was stored.
  ADD COLUMN last_heartbeat_at timestamptz,
  ADD COLUMN last_heartbeat jsonb,
  ADD CONSTRAINT centers_silent_after_interval_ck CHECK (silent_after_seconds >= heartbeat_interval_seconds);

-- The people a national analyst calls when a center goes quiet.
CREATE TABLE center_contacts (
  id uuid PRIMARY KEY,
  center_id uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role text NOT NULL,
  email text NOT NULL,
  phone text,
  is_24x7 boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL
);
CREATE INDEX center_contacts_center_idx ON center_contacts (center_id);

-- Generic alerts for national analysts (first kind: center.silent). A condition that is still
-- unresolved (open or acknowledged) holds its dedupe_key, so it is raised only once.
CREATE TABLE alerts (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  subject text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  entity_type text,
  entity_id text,
  dedupe_key text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  created_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by uuid REFERENCES users (id) ON DELETE SET NULL,
  resolved_at timestamptz,
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX alerts_unresolved_dedupe_uq ON alerts (dedupe_key) WHERE status <> 'resolved';
CREATE INDEX alerts_status_created_idx ON alerts (status, created_at DESC, id DESC);
CREATE INDEX alerts_created_idx ON alerts (created_at DESC, id DESC);
