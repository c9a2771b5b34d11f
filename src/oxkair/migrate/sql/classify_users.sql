-- auth.users rows that cannot be loaded (quarantine) or load with a caveat (flag): (id, kind, reason).
WITH u AS (
  SELECT u.id, btrim(u.email) AS email, u.encrypted_password AS pw,
         count(*) OVER (PARTITION BY lower(btrim(u.email))) AS same_email
    FROM auth.users u
)
SELECT u.id::text AS id, 'quarantine' AS kind,
       CASE WHEN coalesce(u.email, '') = '' THEN 'user has no email address (anonymous or phone-only)'
            WHEN u.email NOT LIKE '%%_@_%%' OR length(u.email) > 320 THEN 'email address is not valid'
            ELSE 'email collides case-insensitively with ' || (u.same_email - 1) || ' other user(s)'
       END AS reason
  FROM u
 WHERE coalesce(u.email, '') = '' OR u.email NOT LIKE '%%_@_%%' OR length(u.email) > 320 OR u.same_email > 1
UNION ALL
SELECT u.id::text, 'flag',
       CASE WHEN coalesce(u.pw, '') = ''
              THEN 'no password hash (OAuth/SSO-only): signs in through a linked identity or resets the password'
            WHEN u.pw LIKE '$fbscrypt$%%'
              THEN 'Firebase scrypt hash cannot be kept: password reset required'
            WHEN u.pw LIKE '{%%'
              THEN 'encrypted password envelope (GoTrue at-rest encryption) cannot be kept: password reset required'
            ELSE 'unrecognised password hash format cannot be kept: password reset required'
       END
  FROM u
 WHERE NOT (coalesce(u.pw, '') ~ '^\$2[aby]\$[0-9]{2}\$' OR coalesce(u.pw, '') ~ '^\$argon2(id|i)\$')
