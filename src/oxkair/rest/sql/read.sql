-- A /rest/v1 read (rest/builder.py fills in the braces from the exposed schema, never from the
-- request): the page as JSON rows, with each row's key for the PHI access log, in one statement.
-- {source}: the table, {shape}: each row's JSON object (json_build_object), {where}, {order};
-- {log}: app.log_case_reads(ids, endpoint) for medical_notes, else 0 (nothing is logged);
-- {total}: the exact count when Prefer: count=exact asked for it, else NULL.
-- Parameters are named: those of {shape} and {where}, %(limit)s, %(offset)s, %(endpoint)s.
WITH page AS MATERIALIZED (
  SELECT {key} AS _oxk_key, {shape} AS _oxk_json
    FROM {source}
  {where}
  {order}
   LIMIT %(limit)s OFFSET %(offset)s
), logged AS (
  SELECT {log} AS n FROM (SELECT array_agg(p._oxk_key) AS ids FROM page p) s WHERE s.ids IS NOT NULL
)
SELECT coalesce(json_agg(page._oxk_json), '[]')::text, count(*), {total}, (SELECT count(*) FROM logged)
  FROM page
