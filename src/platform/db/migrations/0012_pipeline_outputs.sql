-- Pipeline outputs: e-mail attachments and OpenPGP signing in the notify outbox, per-organization
-- digest schedules, the digests built (one per organization and period) and the log of what each
-- digest sent to whom.

-- Files an e-mail carries live in the outbox next to it: a restart between queueing and sending
-- loses nothing, and every retry sends the same bytes.
ALTER TABLE notifications ADD COLUMN is_signed boolean NOT NULL DEFAULT false;

CREATE TABLE notification_attachments (
  notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  content bytea NOT NULL,
  size integer NOT NULL,
  sha256 text NOT NULL,
  PRIMARY KEY (notification_id, seq)
);

-- One row per organization that has a schedule; none = no digests.
CREATE TABLE digest_schedules (
  organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  frequency text NOT NULL CHECK (frequency IN ('off', 'hourly', 'daily', 'weekly')),
  -- UTC hour of a daily/weekly digest; weekday 1 = Monday ... 7 = Sunday (ISO) for weekly.
  hour_utc integer NOT NULL DEFAULT 6 CHECK (hour_utc BETWEEN 0 AND 23),
  weekday integer NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 1 AND 7),
  -- E-mail recipients: none, the organization's 24/7 contacts, or its contacts with one of email_roles.
  email_to text NOT NULL CHECK (email_to IN ('none', 'duty', 'roles')),
  email_roles text[] NOT NULL DEFAULT '{}',
  -- Webhook endpoints (of the notify module) that receive the digest as signed JSON.
  webhook_endpoint_ids uuid[] NOT NULL DEFAULT '{}',
  -- Events up to here were digested; the next digest starts here.
  last_period_end timestamptz,
  -- When the next period ends (null while off).
  next_period_end timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX digest_schedules_due_idx ON digest_schedules (next_period_end) WHERE frequency <> 'off';

-- One digest per organization and period: the unique key makes a retry or a second process a no-op.
CREATE TABLE digests (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  -- queued: waiting for its build job; sent: notifications queued (or nothing to send).
  state text NOT NULL CHECK (state IN ('queued', 'sent')),
  event_count integer,
  csv_sha256 text,
  created_at timestamptz NOT NULL,
  built_at timestamptz,
  UNIQUE (organization_id, period_end)
);
CREATE INDEX digests_org_idx ON digests (organization_id, period_end DESC);

-- What was sent to whom: one row per notification a digest queued. Delivery status and time are
-- the notification's (notifications.status / sent_at).
CREATE TABLE digest_deliveries (
  id uuid PRIMARY KEY,
  digest_id uuid NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
  organization_id uuid NOT NULL,
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'webhook')),
  -- The e-mail address, or the webhook endpoint id.
  recipient text NOT NULL,
  event_count integer NOT NULL,
  attachment_sha256 text,
  is_signed boolean NOT NULL,
  notification_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (digest_id, channel, recipient)
);
CREATE INDEX digest_deliveries_page_idx ON digest_deliveries (created_at DESC, id DESC);
CREATE INDEX digest_deliveries_org_idx ON digest_deliveries (organization_id, created_at DESC, id DESC);
