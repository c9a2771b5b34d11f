-- One table's row count and content sum (oxkair.ops.manifest.table_digest): a 64-bit hash of
-- each row ({row_hash}), summed exactly (numeric), so that the order of the rows does not matter
-- and no sort is needed. One scan, which the planner may run in parallel; each value is read
-- (and decompressed) once.
SELECT pg_catalog.count(*), COALESCE(pg_catalog.sum({row_hash}), 0)::text
  FROM ONLY {schema}.{table} AS t
