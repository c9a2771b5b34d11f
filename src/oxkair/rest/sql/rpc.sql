-- A /rest/v1/rpc call (rest/builder.py fills in the braces from rest/schema.py's FUNCTIONS):
-- the function with named arguments, its rows filtered, ordered and shaped as requested.
SELECT coalesce(json_agg(row_to_json(_oxk_row)), '[]')::text, count(*)
  FROM (SELECT {columns} FROM {function} AS {alias} {where} {order} LIMIT %(limit)s OFFSET %(offset)s) AS _oxk_row
