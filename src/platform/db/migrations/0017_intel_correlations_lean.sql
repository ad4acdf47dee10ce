-- intel_correlations takes up to 50 sample rows per intel object and target kind on every import
-- (about 285k rows for 100k new indicators against 10M events). Its (target_kind, target_id)
-- index was read by no query (sightings are read by object, through the primary key) and cost
-- about as much per row as the table and its primary key together (measured on PostgreSQL 15,
-- INSERT ... SELECT of 285k samples: server CPU 1.7-1.8 s without it, 2.9-3.9 s with it).
DROP INDEX IF EXISTS intel_correlations_target_idx;
