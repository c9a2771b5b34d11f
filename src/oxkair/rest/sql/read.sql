-- A /rest/v1 read (rest/builder.py fills in the braces from the exposed schema, never from the
-- request): the page as JSON rows, with each row's key for the PHI access log, in one statement.
-- {source}: the table (or the rows a write returned), {columns}: the select list, {where},
-- {order}; {log}: app.log_case_reads(ids, endpoint) for medical_notes, else nothing is logged;
-- {total}: the exact count when Prefer: count=exact asked for it. Parameters: those of
-- {columns} and {where}, %(limit)s, %(offset)s, %(endpoint)s.
WITH page AS MATERIALIZED (
  SELECT {key} AS _oxk_key, row_to_json(_oxk_row) AS _oxk_json
    FROM {source} CROSS JOIN LATERAL (SELECT {columns}) AS _oxk_row
  {where}
  {order}
   LIMIT %(limit)s OFFSET %(offset)s
), logged AS (
  SELECT {log} AS n FROM (SELECT array_agg(p._oxk_key) AS ids FROM page p) s WHERE s.ids IS NOT NULL
)
SELECT coalesce(json_agg(page._oxk_json), '[]')::text, count(*), {total}, (SELECT count(*) FROM logged)
  FROM page
