-- The incident queue at a million cases. Lists are ordered by (updated_at, id) descending; an index
-- that yields one filter's rows in that order reads about one page of rows however many match.

-- Taxonomy filter: a rare class would otherwise walk most of incidents_updated_idx.
CREATE INDEX incidents_taxonomy_idx ON incidents (rsit_taxonomy, updated_at DESC, id DESC);

-- Date range filter (on created_at) for a range in the past: read the range, then sort it (see
-- incidents.repository.ts). The included columns are all the sort needs.
CREATE INDEX incidents_created_idx ON incidents (created_at) INCLUDE (updated_at, id);
