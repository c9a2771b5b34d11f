-- A /rest/v1/rpc call (rest/builder.py fills in the braces from rest/schema.py's FUNCTIONS):
-- the function with named arguments, its rows filtered, ordered and shaped as requested.
SELECT coalesce(json_agg(r._oxk_json), '[]')::text, count(*)
  FROM (SELECT {shape} AS _oxk_json FROM {function} AS {alias} {where} {order}
         LIMIT %(limit)s OFFSET %(offset)s) AS r
