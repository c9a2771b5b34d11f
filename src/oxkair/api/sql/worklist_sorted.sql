-- The worklist in another order than newest first (api/worklist.py fills in {columns}, {key},
-- {join}, {where}, {direction}): the same shape as worklist.sql, one statement with its PHI
-- access-log entry. Keyset pagination on ({key}, id): the cursor's condition is in {where}.
-- sort_key is the key as text (for the next page's cursor; '-infinity' has no Python value),
-- sort_n the row's place. Parameters: the filters of {where}, then the page size + 1, the
-- page size, the endpoint.
WITH page AS MATERIALIZED (
  SELECT {columns}, {key}::text AS sort_key,
         row_number() OVER (ORDER BY {key} {direction}, m.id {direction}) AS sort_n
    FROM public.medical_notes m{join}{where}
   ORDER BY {key} {direction}, m.id {direction}
   LIMIT %s
), shown AS (
  SELECT array_agg(p.id ORDER BY p.sort_n) AS ids FROM page p WHERE p.sort_n <= %s
), logged AS (
  SELECT app.log_case_reads(shown.ids, %s::text)
    FROM shown
   WHERE shown.ids IS NOT NULL
)
SELECT page.* FROM page, (SELECT count(*) FROM logged) AS l
 ORDER BY page.sort_n
