-- public.user_settings → public.user_settings (unchanged).
SELECT x.id::uuid AS id, x.theme::text AS theme, x.created_at::timestamptz AS created_at,
       x.updated_at::timestamptz AS updated_at
  FROM public.user_settings x
 WHERE (%(lo)s::uuid IS NULL OR x.id >= %(lo)s::uuid) AND (%(hi)s::uuid IS NULL OR x.id < %(hi)s::uuid)
   AND x.id::text <> ALL(%(skip)s::text[])
 ORDER BY x.id
