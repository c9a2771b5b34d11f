-- NAME_KEY(x) and SPACES_COLLAPSED(x) are written out when loaded: src/oxkair/sql_macros.py.
-- public.profiles → public.profiles. verification_status becomes membership (0053); name becomes generated; affiliated_institution is dropped
-- after linking a profile without institution_id to the one institution it names exactly
-- (normalised); rows where that is not unambiguous are quarantined, never guessed.
WITH inst AS (
  SELECT NAME_KEY(i.name) AS k, count(*) AS n,
         (array_agg(i.id))[1] AS id
    FROM public.institutions i
   GROUP BY 1
)
-- A shown name with neither first nor last name is kept whole in first_name (the generated name
-- then equals it); classify_profiles.sql quarantines names that cannot be rebuilt otherwise.
SELECT x.id::uuid AS id,
       (CASE WHEN x.first_name IS NULL AND x.last_name IS NULL THEN nullif(btrim(x.name), '')
             ELSE x.first_name END)::text AS first_name,
       x.last_name::text AS last_name,
       x.created_at::timestamptz AS created_at, x.updated_at::timestamptz AS updated_at,
       x.user_category::text AS user_category, x.npi::text AS npi,
       x.recovery_email::text AS recovery_email, x.phone_number::text AS phone_number,
       -- Members before the move stay members: a profile with an institution (its own or linked
       -- by name) is a verified member (docs/migration.md); the source's own value is archived.
       CASE WHEN coalesce(x.institution_id, CASE WHEN li.n = 1 THEN li.id END) IS NOT NULL
            THEN 'verified' ELSE 'not verified' END AS verification_status,
       coalesce(x.institution_id, CASE WHEN li.n = 1 THEN li.id END)::uuid AS institution_id
  FROM public.profiles x
  LEFT JOIN inst li ON x.institution_id IS NULL
   AND li.k = NAME_KEY(x.affiliated_institution)
 WHERE (%(lo)s::uuid IS NULL OR x.id >= %(lo)s::uuid) AND (%(hi)s::uuid IS NULL OR x.id < %(hi)s::uuid)
   AND x.id::text <> ALL(%(skip)s::text[])
 ORDER BY x.id
