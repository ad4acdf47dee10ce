-- Sharing with partner CERTs and international bodies: the registry, their accounts, agreements as
-- enforceable policy (each agreement is one TAXII collection), TAXII status resources and the
-- outbound ledger (a hash chain like the audit log).

CREATE TABLE partners (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  name_key text NOT NULL,
  -- ISO 3166-1 alpha-2, or 'INT' for an international body without a country.
  country text NOT NULL CHECK (country ~ '^([A-Z]{2}|INT)$'),
  kind text NOT NULL CHECK (kind IN ('national_cert', 'sector_cert', 'international_body', 'isac', 'vendor', 'other')),
  contacts jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  description text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX partners_name_key_uq ON partners (name_key);

-- A partner account (role 'partner': a person or machine of the partner) belongs to one partner.
ALTER TABLE users ADD COLUMN partner_id uuid REFERENCES partners (id);
ALTER TABLE users ADD CONSTRAINT users_partner_role_chk CHECK (partner_id IS NULL OR role = 'partner');
CREATE INDEX users_partner_idx ON users (partner_id) WHERE partner_id IS NOT NULL;

CREATE TABLE sharing_agreements (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  -- The TAXII collection this agreement yields; stable for the agreement's life.
  collection_id uuid NOT NULL UNIQUE,
  title text NOT NULL,
  purpose text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('outbound', 'inbound', 'both')),
  tlp_levels text[] NOT NULL CHECK (tlp_levels <@ ARRAY['clear', 'green', 'amber', 'amber+strict', 'red']::text[]),
  rsit_classes text[],
  object_types text[],
  sectors text[],
  community boolean NOT NULL DEFAULT false,
  constituent_identities text NOT NULL CHECK (constituent_identities IN ('keep', 'remove')),
  constituent_addresses text NOT NULL CHECK (constituent_addresses IN ('keep', 'generalize', 'remove')),
  valid_from timestamptz NOT NULL,
  valid_until timestamptz,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (valid_until IS NULL OR valid_until > valid_from)
);
CREATE INDEX sharing_agreements_partner_idx ON sharing_agreements (partner_id);

-- TAXII 2.1 status resources of POSTed envelopes.
CREATE TABLE taxii_status (
  id uuid PRIMARY KEY,
  partner_id uuid REFERENCES partners (id),
  user_id uuid NOT NULL,
  collection_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'complete')),
  request_timestamp timestamptz NOT NULL,
  total_count integer NOT NULL,
  success_count integer NOT NULL DEFAULT 0,
  failure_count integer NOT NULL DEFAULT 0,
  pending_count integer NOT NULL DEFAULT 0,
  successes jsonb NOT NULL DEFAULT '[]',
  failures jsonb NOT NULL DEFAULT '[]',
  pendings jsonb NOT NULL DEFAULT '[]',
  updated_at timestamptz NOT NULL
);

-- Every object that left, one row per object, append-only and hash-chained. seq is assigned under
-- an advisory lock, so it has no gaps; the head row detects deletion of the newest rows.
CREATE TABLE sharing_ledger (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  partner_id uuid NOT NULL,
  agreement_id uuid NOT NULL,
  collection_id uuid NOT NULL,
  object_id text NOT NULL,
  object_modified text NOT NULL,
  sha256 text NOT NULL,
  route text NOT NULL,
  request_id text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX sharing_ledger_partner_idx ON sharing_ledger (partner_id, at, seq);
CREATE INDEX sharing_ledger_at_idx ON sharing_ledger (at, seq);

CREATE TABLE sharing_ledger_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);
