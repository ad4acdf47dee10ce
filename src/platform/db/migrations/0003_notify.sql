-- Notifications: a durable outbox of e-mails and webhook deliveries, and the webhook endpoints.
-- A row is written in the transaction of the change that caused it, together with the job that
-- delivers it (see 0002_jobs), so nothing is sent for a rolled-back change and nothing is lost.

CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  url text NOT NULL,
  -- Kept in clear: it signs every delivery. The API shows it once, at creation.
  secret text NOT NULL,
  event_types text[] NOT NULL,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL
);

CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('email', 'webhook')),
  -- An e-mail address, or the id of a webhook endpoint (no foreign key: the row outlives it).
  recipient text NOT NULL,
  -- The webhook event type (X-Vigil-Event); null for e-mail.
  event text,
  subject text,
  -- The e-mail text, or the exact JSON document a webhook POSTs (the same bytes on every retry).
  body text NOT NULL,
  payload jsonb,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  dedupe_key text UNIQUE,
  related_type text,
  related_id text
);
CREATE INDEX notifications_page_idx ON notifications (created_at DESC, id DESC);
CREATE INDEX notifications_status_page_idx ON notifications (status, created_at DESC, id DESC);
CREATE INDEX notifications_recipient_pending_idx ON notifications (recipient) WHERE status = 'pending';
