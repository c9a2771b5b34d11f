-- Wrong TOTP codes count towards the account's lockout, and a locked account's open MFA
-- challenges stop answering: many challenges opened with a stolen password do not multiply
-- the guesses an attacker gets at the second factor.

GRANT CREATE ON SCHEMA auth TO oxkair_definer;

CREATE FUNCTION auth.mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer, p_threshold integer,
                                        p_base_seconds integer, p_max_seconds integer)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid;
  v_email text;
BEGIN
  UPDATE auth.one_time_tokens
     SET attempts = attempts + 1,
         used_at = CASE WHEN attempts + 1 >= p_max_attempts THEN now() END
   WHERE token_hash = p_token_hash AND purpose = 'mfa_challenge' AND used_at IS NULL
  RETURNING user_id INTO v_user;
  PERFORM auth.log_event('AUTH_MFA_FAILED', v_user, '{}'::jsonb);
  IF v_user IS NULL THEN
    RETURN 0;
  END IF;
  SELECT u.email INTO v_email FROM auth.users u WHERE u.id = v_user;
  RETURN auth.record_login_failure(v_email, v_user, 'bad_mfa_code', p_threshold, p_base_seconds, p_max_seconds);
END
$$;
ALTER FUNCTION auth.mfa_challenge_fail(bytea, integer, integer, integer, integer) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION auth.mfa_challenge_fail(bytea, integer, integer, integer, integer) TO oxkair_anon;

-- The old form (no lockout) is no longer called.
REVOKE EXECUTE ON FUNCTION auth.mfa_challenge_fail(bytea, integer) FROM oxkair_anon;

CREATE OR REPLACE FUNCTION auth.mfa_challenge_factor(p_token_hash bytea, p_max_attempts integer)
  RETURNS TABLE (user_id uuid, secret text, last_used_step bigint)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT t.user_id, f.secret, f.last_used_step
    FROM auth.one_time_tokens t
    JOIN auth.mfa_factors f ON f.user_id = t.user_id AND f.verified_at IS NOT NULL
    JOIN auth.users u ON u.id = t.user_id
   WHERE t.token_hash = p_token_hash AND t.purpose = 'mfa_challenge' AND t.used_at IS NULL
     AND t.expires_at > now() AND t.attempts < p_max_attempts
     AND NOT EXISTS (SELECT FROM auth.login_failures lf
                      WHERE lf.email_key = auth.email_key(u.email) AND lf.locked_until > now())
$$;

REVOKE CREATE ON SCHEMA auth FROM oxkair_definer;
