-- GoTrue's wire format under /auth/v1 (issue 13): the caller's account in one read, and a new
-- refresh token for the caller's session right after it was verified with a second factor
-- (GoTrue answers that verification with a whole session). Both act on the caller only.

-- Handing functions to oxkair_definer needs CREATE on the schema; granted only meanwhile.
GRANT CREATE ON SCHEMA auth TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The caller's account as GoTrue's User: user, profile, TOTP factor       │
-- │ (never its secret).                                                      │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.my_account()
  RETURNS TABLE (id uuid, email text, email_confirmed_at timestamptz, created_at timestamptz,
                 updated_at timestamptz, last_sign_in_at timestamptz, first_name text,
                 last_name text, user_category text, institution_id uuid, npi text,
                 phone_number text, verification_status text, factor_created_at timestamptz,
                 factor_verified_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT u.id, u.email, u.email_confirmed_at, u.created_at,
         greatest(u.updated_at, p.updated_at), u.last_sign_in_at,
         p.first_name, p.last_name, p.user_category, p.institution_id, p.npi, p.phone_number,
         p.verification_status, f.created_at, f.verified_at
    FROM auth.users u
    LEFT JOIN public.profiles p ON p.id = u.id
    LEFT JOIN auth.mfa_factors f ON f.user_id = u.id
   WHERE u.id = (SELECT auth.uid())
$$;
ALTER FUNCTION auth.my_account() OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION auth.my_account() TO oxkair_authenticated;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ A new refresh token for the caller's live session, only in the minutes  │
-- │ after auth.mfa_confirm made it aal2: the unused tokens of the session   │
-- │ count as used (presenting one again is reuse, which ends the session).  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.mfa_session_refresh_token(p_new_hash bytea) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
  v_session uuid := nullif(auth.jwt() ->> 'session_id', '')::uuid;
BEGIN
  PERFORM FROM auth.sessions s
   WHERE s.id = v_session AND s.user_id = v_user AND s.aal = 'aal2' AND s.revoked_at IS NULL
     AND s.not_after > now() AND s.last_seen_at + s.idle_timeout > now()
     AND EXISTS (SELECT FROM auth.mfa_factors f WHERE f.user_id = v_user
                   AND f.verified_at > now() - interval '5 minutes')
   FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  UPDATE auth.refresh_tokens SET used_at = now() WHERE session_id = v_session AND used_at IS NULL;
  INSERT INTO auth.refresh_tokens (token_hash, session_id) VALUES (p_new_hash, v_session);
  PERFORM auth.log_event('AUTH_REFRESH', v_user,
    jsonb_build_object('session_id', v_session, 'reason', 'mfa_verified'));
  RETURN true;
END
$$;
ALTER FUNCTION auth.mfa_session_refresh_token(bytea) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION auth.mfa_session_refresh_token(bytea) TO oxkair_authenticated;

REVOKE CREATE ON SCHEMA auth FROM oxkair_definer;
