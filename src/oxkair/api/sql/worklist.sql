-- The worklist page and its PHI access-log entry in one statement (api/worklist.py fills in
-- {columns} and {where}). One statement means the audit lane's row lock is taken and released
-- (at COMMIT) without waiting on the client in between, and the request needs one round trip.
-- Parameters: the filters of {where}, then the page size + 1 (the extra row says "there is
-- more"), the page size, the endpoint.
WITH page AS MATERIALIZED (
  SELECT {columns} FROM public.medical_notes{where}
   ORDER BY created_at DESC NULLS LAST, id DESC
   LIMIT %s
), shown AS (
  SELECT array_agg(s.id ORDER BY s.created_at DESC NULLS LAST, s.id DESC) AS ids
    FROM (SELECT p.id, p.created_at FROM page p
           ORDER BY p.created_at DESC NULLS LAST, p.id DESC LIMIT %s) s
), logged AS (
  SELECT app.log_case_reads(shown.ids, %s::text)
    FROM shown
   WHERE shown.ids IS NOT NULL
)
SELECT page.* FROM page, (SELECT count(*) FROM logged) AS l
 ORDER BY page.created_at DESC NULLS LAST, page.id DESC
