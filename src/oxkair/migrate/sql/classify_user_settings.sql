-- public.user_settings rows to quarantine; %(bad_users)s are the ids of quarantined users.
SELECT s.id::text AS id, 'quarantine' AS kind,
       CASE WHEN u.id IS NULL THEN 'orphaned: no auth user with this id'
            ELSE 'its user is quarantined' END AS reason
  FROM public.user_settings s
  LEFT JOIN auth.users u ON u.id = s.id
 WHERE u.id IS NULL OR s.id::text = ANY(%(bad_users)s::text[])
