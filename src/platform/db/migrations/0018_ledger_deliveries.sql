-- The outbound ledger takes one row per delivery (a TAXII response, a push envelope) instead of one
-- row per object: `objects` lists what left in that delivery, in order, as [id, modified, sha256]
-- triples, and the row's link hash covers the whole list. A TAXII page of 1,000 objects was 1,000
-- rows inserted under the chain's lock (about 15 ms of the embedded engine's time per page); it is
-- now one. Rows written before this migration keep their single-object form and their hashes.
ALTER TABLE sharing_ledger ADD COLUMN objects jsonb;
ALTER TABLE sharing_ledger ALTER COLUMN object_id DROP NOT NULL;
ALTER TABLE sharing_ledger ALTER COLUMN object_modified DROP NOT NULL;
ALTER TABLE sharing_ledger ALTER COLUMN sha256 DROP NOT NULL;
ALTER TABLE sharing_ledger ADD CONSTRAINT sharing_ledger_one_form CHECK (
  (objects IS NULL AND object_id IS NOT NULL AND object_modified IS NOT NULL AND sha256 IS NOT NULL)
  OR (objects IS NOT NULL AND jsonb_typeof(objects) = 'array' AND object_id IS NULL AND object_modified IS NULL AND sha256 IS NULL)
);
-- Stored out of line without compression: pglz spent ~3 ms per 1,000-object row on the embedded
-- engine (of ~5 ms for the insert) to save about a third of ~130 KB of ids and hex hashes.
ALTER TABLE sharing_ledger ALTER COLUMN objects SET STORAGE EXTERNAL;
