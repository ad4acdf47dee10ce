-- Files attached to an incident by the people working it. The bytes live once in `attachments`
-- (shared with public reports, keyed by SHA-256); this table says which incident carries which
-- content, under which name, and who added it. The same content is attached to an incident once.

CREATE TABLE incident_attachments (
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  sha256 text NOT NULL REFERENCES attachments (sha256),
  filename text NOT NULL,
  -- What the uploader's client claimed; never used to serve the file.
  declared_type text,
  size integer NOT NULL CHECK (size >= 0),
  sniffed_type text NOT NULL,
  uploaded_by uuid,
  uploaded_by_label text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (incident_id, sha256)
);
-- The foreign key to attachments is checked on delete there; without this index each check reads the table.
CREATE INDEX incident_attachments_sha_idx ON incident_attachments (sha256);
