-- Threat intelligence: STIX 2.1 objects (every version), the relationship graph, observables
-- extracted from indicators and cyber observables, and their correlations with incidents and events.

-- One row per object version (id + modified). SCOs and marking definitions have no `modified`:
-- it is their `created` (markings) or 1970-01-01T00:00:00Z (SCOs, whose deterministic id stands for
-- their content). `seq` is the global insertion order (imports serialize on an advisory lock, so a
-- reader paging by seq never skips a row committed late); `date_added` the true time it was added.
CREATE TABLE stix_objects (
  seq bigserial NOT NULL UNIQUE,
  id text NOT NULL,
  modified timestamptz NOT NULL,
  created timestamptz NOT NULL,
  type text NOT NULL,
  spec_version text NOT NULL,
  date_added timestamptz NOT NULL,
  tlp text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
  pap text CHECK (pap IN ('clear', 'green', 'amber', 'red')),
  -- 'local' or 'partner:<id>'
  source text NOT NULL,
  revoked boolean NOT NULL DEFAULT false,
  -- Display name for search: name, value or pattern.
  label text,
  object jsonb NOT NULL,
  -- Hex SHA-256 of the canonical JSON (RFC 8785) of `object`.
  sha256 text NOT NULL,
  PRIMARY KEY (id, modified)
);
CREATE INDEX stix_objects_type_seq_idx ON stix_objects (type, seq);
CREATE INDEX stix_objects_added_idx ON stix_objects (date_added, seq);

-- Relationships and sightings as edges for graph queries (a sighting gives one edge per
-- where_sighted_ref, or one to itself when there is none). Edges never change between versions.
CREATE TABLE stix_edges (
  id text NOT NULL,
  source_ref text NOT NULL,
  target_ref text NOT NULL,
  relationship_type text NOT NULL,
  PRIMARY KEY (id, source_ref, target_ref)
);
CREATE INDEX stix_edges_source_idx ON stix_edges (source_ref);
CREATE INDEX stix_edges_target_idx ON stix_edges (target_ref);

-- Observables of an intel object, normalized like incident observables (kind = incident observable
-- type: ipv4, ipv6, domain, url, email, md5, sha1, sha256). `net` holds the address or range of IPs.
CREATE TABLE intel_observables (
  object_id text NOT NULL,
  kind text NOT NULL,
  value text NOT NULL,
  net cidr,
  origin text NOT NULL CHECK (origin IN ('pattern', 'sco')),
  PRIMARY KEY (object_id, kind, value)
);
CREATE INDEX intel_observables_value_idx ON intel_observables (kind, value);
-- Only ranges (an address inside an intel range); single addresses are found by (kind, value). A
-- GiST entry per address made imports of address-heavy bundles several times slower.
CREATE INDEX intel_observables_range_idx ON intel_observables USING gist (net inet_ops)
  WHERE net IS NOT NULL AND masklen(net) < CASE WHEN family(net) = 4 THEN 32 ELSE 128 END;

-- Where intel was seen, found when it was added. At most N samples per object and target kind;
-- intel_correlation_counts keeps the true total and the over-correlation flag.
CREATE TABLE intel_correlations (
  object_id text NOT NULL,
  target_kind text NOT NULL CHECK (target_kind IN ('incident', 'event')),
  target_id text NOT NULL,
  kind text NOT NULL,
  value text NOT NULL,
  matched text NOT NULL,
  match text NOT NULL CHECK (match IN ('exact', 'range', 'domain')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (object_id, target_kind, target_id, kind, value)
);
CREATE INDEX intel_correlations_target_idx ON intel_correlations (target_kind, target_id);

CREATE TABLE intel_correlation_counts (
  object_id text NOT NULL,
  target_kind text NOT NULL CHECK (target_kind IN ('incident', 'event')),
  total integer NOT NULL,
  is_over boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (object_id, target_kind)
);
