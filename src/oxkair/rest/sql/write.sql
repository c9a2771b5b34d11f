-- A /rest/v1 write (rest/builder.py fills in the braces from the exposed schema): the INSERT,
-- UPDATE or DELETE in {write} returns the rows it touched, which are answered in the requested
-- shape ({columns}) with their keys (medical_notes: logged by a second statement, which sees them).
WITH written AS (
  {write}
)
SELECT coalesce(json_agg(_oxk_json), '[]')::text, count(*), array_agg(_oxk_key)
  FROM (SELECT {key} AS _oxk_key, {json} AS _oxk_json
          FROM written AS {alias} CROSS JOIN LATERAL (SELECT {columns}) AS _oxk_row) AS w
