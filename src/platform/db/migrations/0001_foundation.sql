-- Foundation: settings, audit log, users and keys, centers, constituency registry.

CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only, hash-chained. seq is assigned under an advisory lock, so it has no gaps.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id uuid,
  actor_label text NOT NULL,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  before jsonb,
  after jsonb,
  request_id text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, seq);

-- The last appended link, so that deleting the newest rows is detected too.
CREATE TABLE audit_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);

CREATE TABLE sectors (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO sectors (code, name) VALUES
  ('energy', 'Energy'),
  ('transport', 'Transport'),
  ('banking', 'Banking'),
  ('financial-market', 'Financial market infrastructure'),
  ('health', 'Health'),
  ('drinking-water', 'Drinking water'),
  ('waste-water', 'Waste water'),
  ('digital-infrastructure', 'Digital infrastructure'),
  ('ict-service-management', 'ICT service management (B2B)'),
  ('public-administration', 'Public administration'),
  ('space', 'Space'),
  ('postal', 'Postal and courier services'),
  ('waste-management', 'Waste management'),
  ('chemicals', 'Chemicals'),
  ('food', 'Food'),
  ('manufacturing', 'Manufacturing'),
  ('digital-providers', 'Digital providers'),
  ('research', 'Research'),
  ('education', 'Education'),
  ('telecommunications', 'Telecommunications'),
  ('defence', 'Defence'),
  ('other', 'Other');

CREATE TABLE organizations (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  name_key text NOT NULL,
  sector text NOT NULL REFERENCES sectors (code),
  is_cii boolean NOT NULL DEFAULT false,
  cii_category text,
  country char(2) NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX organizations_name_key_uq ON organizations (name_key);
CREATE INDEX organizations_sector_idx ON organizations (sector, name_key, id);

CREATE TABLE network_assets (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('cidr', 'asn', 'domain', 'email_domain')),
  value text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX network_assets_org_value_uq ON network_assets (organization_id, type, value);
CREATE INDEX network_assets_value_idx ON network_assets (type, value);

CREATE TABLE contacts (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL,
  role text NOT NULL,
  email text NOT NULL,
  phone text,
  is_24x7 boolean NOT NULL DEFAULT false,
  pgp_key text,
  pgp_fingerprint text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX contacts_org_idx ON contacts (organization_id);

-- Every asset change, in commit order (written under an advisory lock): each process replays it
-- to keep its in-memory lookup index correct.
CREATE TABLE asset_changes (
  seq bigserial PRIMARY KEY,
  op text NOT NULL CHECK (op IN ('add', 'remove')),
  asset_id uuid NOT NULL,
  organization_id uuid NOT NULL,
  type text NOT NULL,
  value text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE centers (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  name_key text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE center_organizations (
  center_id uuid NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  PRIMARY KEY (center_id, organization_id)
);
CREATE INDEX center_organizations_org_idx ON center_organizations (organization_id);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  email_key text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'analyst', 'center_operator', 'constituent', 'partner')),
  organization_id uuid REFERENCES organizations (id) ON DELETE RESTRICT,
  center_id uuid REFERENCES centers (id) ON DELETE RESTRICT,
  password_hash text,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_login_at timestamptz,
  CHECK (role <> 'constituent' OR organization_id IS NOT NULL),
  CHECK (role <> 'center_operator' OR center_id IS NOT NULL)
);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  prefix text NOT NULL UNIQUE,
  secret_hash text NOT NULL,
  name text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scopes text[] NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_start timestamptz NOT NULL,
  locked_until timestamptz
);

CREATE TABLE bootstrap_tokens (
  token_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
