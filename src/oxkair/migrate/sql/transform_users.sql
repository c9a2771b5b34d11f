-- GoTrue auth.users → auth.users. bcrypt and argon2 hashes are kept as they are (verified and
-- re-hashed at first login); any other format is not a hash we can verify: NULL, and flagged.
-- Soft-deleted users arrive disabled. Tokens, phone and GoTrue internals are not carried.
SELECT x.id::uuid AS id,
       btrim(x.email)::text AS email,
       CASE WHEN x.encrypted_password ~ '^\$2[aby]\$[0-9]{2}\$' OR x.encrypted_password ~ '^\$argon2(id|i)\$'
            THEN x.encrypted_password END::text AS password_hash,
       x.email_confirmed_at::timestamptz AS email_confirmed_at,
       coalesce(x.created_at, x.updated_at, 'epoch')::timestamptz AS created_at,
       coalesce(x.updated_at, x.created_at, 'epoch')::timestamptz AS updated_at,
       x.last_sign_in_at::timestamptz AS last_sign_in_at,
       NULL::timestamptz AS password_changed_at,
       x.deleted_at::timestamptz AS disabled_at,
       x.banned_until::timestamptz AS banned_until,
       0::integer AS failed_login_count,
       NULL::timestamptz AS locked_until,
       NULL::text AS external_issuer,
       NULL::text AS external_subject,
       coalesce(x.raw_app_meta_data, '{}')::jsonb AS app_metadata,
       coalesce(x.raw_user_meta_data, '{}')::jsonb AS user_metadata,
       'supabase'::text AS migrated_from
  FROM auth.users x
 WHERE (%(lo)s::uuid IS NULL OR x.id >= %(lo)s::uuid) AND (%(hi)s::uuid IS NULL OR x.id < %(hi)s::uuid)
   AND x.id::text <> ALL(%(skip)s::text[])
 ORDER BY x.id
