-- Public reports: intake without an account, tracking codes, attachments stored once per content.

CREATE TABLE reports (
  id uuid PRIMARY KEY,
  tracking_code text NOT NULL UNIQUE CHECK (tracking_code ~ '^VR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
  -- SHA-256 (hex) of the normalized secret shown once to the reporter; the secret itself is never stored.
  secret_hash text NOT NULL,
  category text NOT NULL,
  rsit_taxonomy text NOT NULL,
  rsit_type text NOT NULL,
  -- NULL for child-abuse reports: only URLs and metadata are kept.
  description text,
  contact_name text,
  contact_email text,
  contact_phone text,
  observables jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in_review', 'linked', 'closed', 'rejected')),
  public_status_note text,
  -- Keyed hash of the submitting address (never the address itself).
  client_ip_hash text NOT NULL,
  user_agent text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- The incident this report was linked to; no foreign key (incidents are their own module).
  incident_id uuid
);
CREATE INDEX reports_created_idx ON reports (created_at DESC, id DESC);
CREATE INDEX reports_status_idx ON reports (status, created_at DESC, id DESC);
CREATE INDEX reports_category_idx ON reports (category, created_at DESC, id DESC);

-- One row per distinct content, however many reports carry it.
CREATE TABLE attachments (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size integer NOT NULL CHECK (size >= 0),
  sniffed_type text NOT NULL,
  data bytea NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE report_attachments (
  report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  sha256 text NOT NULL REFERENCES attachments (sha256),
  position integer NOT NULL,
  filename text NOT NULL,
  declared_type text,
  PRIMARY KEY (report_id, position)
);
CREATE INDEX report_attachments_sha_idx ON report_attachments (sha256);

-- Fixed-window counters shared by every process: reports per address, failed status lookups per address.
CREATE TABLE report_rate (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  count integer NOT NULL
);

-- Proof-of-work challenges are stateless (HMAC-signed); only the ones already used are kept, until
-- they expire, so that one solved challenge files one report.
CREATE TABLE report_pow_spent (
  challenge_id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX report_pow_spent_expires_idx ON report_pow_spent (expires_at);
