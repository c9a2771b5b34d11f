-- public.institutions → public.institutions (email_domains is new: none yet).
SELECT x.id::uuid AS id, x.name::varchar AS name, NULL::text[] AS email_domains,
       x.created_at::timestamptz AS created_at, x.updated_at::timestamptz AS updated_at
  FROM public.institutions x
 WHERE (%(lo)s::uuid IS NULL OR x.id >= %(lo)s::uuid) AND (%(hi)s::uuid IS NULL OR x.id < %(hi)s::uuid)
   AND x.id::text <> ALL(%(skip)s::text[])
 ORDER BY x.id
