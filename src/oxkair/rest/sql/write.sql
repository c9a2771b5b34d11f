-- A /rest/v1 write (rest/builder.py fills in the braces from the exposed schema): the INSERT,
-- UPDATE or DELETE in {write} returns the rows it touched, answered in the requested {shape}
-- with their keys (medical_notes: logged by a second statement, which sees the new rows).
WITH written AS (
  {write}
)
SELECT coalesce(json_agg(w._oxk_json), '[]')::text, count(*), array_agg(w._oxk_key)
  FROM (SELECT {key} AS _oxk_key, {shape} AS _oxk_json FROM written AS {alias}) AS w
