-- The settings page (issue 15): change one's password, list one's sessions, sign the others out.
-- Each function acts on the caller (auth.uid(), the session of the verified token) only.

-- Handing functions to oxkair_definer needs CREATE on the schema; granted only meanwhile.
GRANT CREATE ON SCHEMA auth TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Password change. The API verifies the current password (argon2 runs     │
-- │ there), so it needs the caller's stored hash, and whether the address   │
-- │ is locked (wrong current passwords count towards the sign-in lockout).  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.my_credentials()
  RETURNS TABLE (password_hash text, email text, locked_seconds integer)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT u.password_hash, u.email,
         coalesce(greatest(0, ceil(extract(epoch FROM f.locked_until - now())))::integer, 0)
    FROM auth.users u
    LEFT JOIN auth.login_failures f ON f.email_key = auth.email_key(u.email)
   WHERE u.id = (SELECT auth.uid())
$$;
ALTER FUNCTION auth.my_credentials() OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION auth.my_credentials() TO oxkair_authenticated;

-- Sets the new hash only if the stored one is still the one the API verified against (a
-- concurrent change or reset wins); every other session of the user ends. Returns the ended
-- sessions' ids (for the API's session cache), or NULL when nothing was changed.
CREATE FUNCTION auth.change_password(p_verified_hash text, p_new_hash text) RETURNS uuid[]
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
  v_session uuid := nullif(auth.jwt() ->> 'session_id', '')::uuid;
  v_email text;
  v_ended uuid[];
BEGIN
  IF v_user IS NULL OR v_session IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE auth.users
     SET password_hash = p_new_hash, password_changed_at = now(), failed_login_count = 0, locked_until = NULL
   WHERE id = v_user AND password_hash = p_verified_hash
  RETURNING email INTO v_email;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  DELETE FROM auth.login_failures WHERE email_key = auth.email_key(v_email);
  WITH ended AS (
    UPDATE auth.sessions s SET revoked_at = now(), revoked_reason = 'password changed'
     WHERE s.user_id = v_user AND s.revoked_at IS NULL AND s.id <> v_session
    RETURNING s.id
  )
  SELECT coalesce(array_agg(ended.id), '{}') INTO v_ended FROM ended;
  PERFORM auth.log_event('AUTH_PASSWORD_CHANGED', v_user,
    jsonb_build_object('session_id', v_session, 'sessions_ended', cardinality(v_ended)));
  RETURN v_ended;
END
$$;
ALTER FUNCTION auth.change_password(text, text) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION auth.change_password(text, text) TO oxkair_authenticated;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Active sessions: the caller's live ones (not revoked, idle or expired), │
-- │ the current one marked; and signing out all but the current one.        │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.my_sessions()
  RETURNS TABLE (id uuid, created_at timestamptz, last_seen_at timestamptz, aal text,
                 client_addr inet, user_agent text, current boolean)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT s.id, s.created_at, s.last_seen_at, s.aal, s.client_addr, s.user_agent,
         s.id = nullif(auth.jwt() ->> 'session_id', '')::uuid
    FROM auth.sessions s
   WHERE s.user_id = (SELECT auth.uid()) AND s.revoked_at IS NULL AND s.not_after > now()
     AND s.last_seen_at + s.idle_timeout > now()
   ORDER BY s.last_seen_at DESC, s.id
   LIMIT 100
$$;
ALTER FUNCTION auth.my_sessions() OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION auth.my_sessions() TO oxkair_authenticated;

CREATE FUNCTION auth.logout_others() RETURNS SETOF uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
  v_session uuid := nullif(auth.jwt() ->> 'session_id', '')::uuid;
BEGIN
  IF v_user IS NULL OR v_session IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
    UPDATE auth.sessions s SET revoked_at = now(), revoked_reason = 'signed out from another session'
     WHERE s.user_id = v_user AND s.revoked_at IS NULL AND s.id <> v_session
    RETURNING s.id;
  PERFORM auth.log_event('AUTH_LOGOUT', v_user,
    jsonb_build_object('session_id', v_session, 'other_sessions', true));
END
$$;
ALTER FUNCTION auth.logout_others() OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION auth.logout_others() TO oxkair_authenticated;

REVOKE CREATE ON SCHEMA auth FROM oxkair_definer;
