-- GoTrue auth.identities → migration.identities, to link OAuth/SSO users to an issuer later.
SELECT x.id::uuid AS id, x.user_id::uuid AS user_id, x.provider::text AS provider,
       x.provider_id::text AS provider_id, lower(x.identity_data ->> 'email')::text AS email,
       x.identity_data::jsonb AS identity_data, x.created_at::timestamptz AS created_at,
       x.updated_at::timestamptz AS updated_at, x.last_sign_in_at::timestamptz AS last_sign_in_at,
       NULL::timestamptz AS linked_at
  FROM auth.identities x
 WHERE (%(lo)s::uuid IS NULL OR x.id >= %(lo)s::uuid) AND (%(hi)s::uuid IS NULL OR x.id < %(hi)s::uuid)
   AND x.id::text <> ALL(%(skip)s::text[])
 ORDER BY x.id
