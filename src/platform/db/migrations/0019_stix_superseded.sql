-- `superseded`: a later version of the same id is stored. TAXII's default `match[version]=last`
-- (every page of every partner) and correlation ask for the latest versions; they tested each row
-- with an anti-join probe of the primary key, ~5 ms of a 1,000-object page's ~7 ms scan on the
-- embedded engine. Imports and deletions keep the flag (intel.repository.ts); most rows are the
-- only version of their id, so only the few older versions are updated here.
ALTER TABLE stix_objects ADD COLUMN superseded boolean NOT NULL DEFAULT false;
UPDATE stix_objects s SET superseded = true
 WHERE EXISTS (SELECT 1 FROM stix_objects n WHERE n.id = s.id AND n.modified > s.modified);
