-- Event pipeline experts: the offline ASN / country prefix table (pfx2as-style import) and the
-- cross-process deduplication window.

-- One row per routed prefix: its origin AS (the first of a multi-origin or AS-set origin), every
-- origin AS in file order, and the optional country code and AS name columns of the import file.
CREATE TABLE asn_prefixes (
  prefix cidr PRIMARY KEY,
  asn bigint NOT NULL CHECK (asn BETWEEN 0 AND 4294967295),
  origins bigint[] NOT NULL,
  cc text CHECK (cc ~ '^[A-Z]{2}$'),
  as_name text CHECK (length(as_name) <= 200)
);

-- Each import replaces the whole table in one transaction; the latest row is the table's version
-- (processes reload their in-memory copy when it changes).
CREATE TABLE asn_prefix_imports (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  imported_at timestamptz NOT NULL,
  actor text NOT NULL,
  source text NOT NULL CHECK (source IN ('api', 'cli', 'sample')),
  sha256 text NOT NULL,
  lines integer NOT NULL,
  prefixes_v4 integer NOT NULL,
  prefixes_v6 integer NOT NULL,
  asns integer NOT NULL
);

-- Dedup keys seen within their window. A key is new again once expires_at has passed; the
-- scheduled purge deletes expired keys.
CREATE TABLE event_dedup (
  key text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX event_dedup_expires_idx ON event_dedup (expires_at);
