-- ╔══════════════════════════════════════════════════════════════════════════════════════════════╗
-- ║ Authentication (replaces Supabase Auth): sessions, refresh tokens, one-time tokens, MFA,     ║
-- ║ lockout, rate limits, the outbox; every function the API calls before login (as oxkair_anon) ║
-- ║ and after (as oxkair_authenticated), each acting on the caller only. docs/auth.md.           ║
-- ╚══════════════════════════════════════════════════════════════════════════════════════════════╝

-- Handing functions to oxkair_definer needs CREATE on their schema: granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, auth, public TO oxkair_definer;
-- auth.prune also clears app.idempotency_keys, which 0006_baseline_case_rules.sql creates.
SET LOCAL check_function_bodies = off;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Tables                                                                   │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE auth.sessions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  aal text NOT NULL DEFAULT 'aal1',
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  last_seen_at timestamp with time zone NOT NULL DEFAULT now(),
  idle_timeout interval NOT NULL,             -- automatic logoff, HIPAA 164.312(a)(2)(iii)
  not_after timestamp with time zone NOT NULL, -- absolute lifetime
  revoked_at timestamp with time zone,
  revoked_reason text,
  client_addr inet,
  user_agent text,
  CONSTRAINT sessions_pkey PRIMARY KEY (id),
  CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id),
  CONSTRAINT sessions_aal_check CHECK (aal IN ('aal1', 'aal2'))
);

CREATE INDEX sessions_user_id_idx ON auth.sessions (user_id) WHERE revoked_at IS NULL;

-- Opaque refresh tokens, stored as sha256 (they are 256-bit random: no slow hash needed).
CREATE TABLE auth.refresh_tokens (
  token_hash bytea NOT NULL,
  session_id uuid NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  used_at timestamp with time zone,           -- rotated; presenting it again is reuse
  CONSTRAINT refresh_tokens_pkey PRIMARY KEY (token_hash),
  CONSTRAINT refresh_tokens_session_id_fkey FOREIGN KEY (session_id) REFERENCES auth.sessions(id)
);

CREATE INDEX refresh_tokens_session_id_idx ON auth.refresh_tokens (session_id);

-- Email verification, password reset and MFA login challenges: single use, expiring, hashed.
CREATE TABLE auth.one_time_tokens (
  token_hash bytea NOT NULL,
  user_id uuid NOT NULL,
  purpose text NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  expires_at timestamp with time zone NOT NULL,
  used_at timestamp with time zone,
  attempts integer NOT NULL DEFAULT 0,
  CONSTRAINT one_time_tokens_pkey PRIMARY KEY (token_hash),
  CONSTRAINT one_time_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id),
  CONSTRAINT one_time_tokens_purpose_check
    CHECK (purpose IN ('email_verification', 'password_reset', 'mfa_challenge'))
);

CREATE INDEX one_time_tokens_user_id_purpose_idx ON auth.one_time_tokens (user_id, purpose);

-- One TOTP factor per user (RFC 6238); last_used_step refuses a code's replay.
CREATE TABLE auth.mfa_factors (
  user_id uuid NOT NULL,
  secret text NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  verified_at timestamp with time zone,
  last_used_step bigint NOT NULL DEFAULT 0,
  CONSTRAINT mfa_factors_pkey PRIMARY KEY (user_id),
  CONSTRAINT mfa_factors_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id)
);

CREATE TABLE auth.recovery_codes (
  user_id uuid NOT NULL,
  code_hash bytea NOT NULL,
  used_at timestamp with time zone,
  CONSTRAINT recovery_codes_pkey PRIMARY KEY (user_id, code_hash),
  CONSTRAINT recovery_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id)
);

-- Fixed-window counters shared by every API replica (per-IP limits).
CREATE TABLE auth.rate_limits (
  bucket text NOT NULL,
  window_start timestamp with time zone NOT NULL,
  hits integer NOT NULL,
  CONSTRAINT rate_limits_pkey PRIMARY KEY (bucket)
);

-- Failed logins per address, known or not (so a lockout reveals nothing); keyed by sha256.
CREATE TABLE auth.login_failures (
  email_key text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  locked_until timestamp with time zone,
  last_failure_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT login_failures_pkey PRIMARY KEY (email_key)
);

CREATE TABLE auth.outbox (
  id bigint GENERATED ALWAYS AS IDENTITY,
  to_address text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,                          -- cleared once sent: it carries a token link
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  sent_at timestamp with time zone,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  CONSTRAINT outbox_pkey PRIMARY KEY (id)
);

CREATE INDEX outbox_pending_idx ON auth.outbox (id) WHERE sent_at IS NULL;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Row-level security: only the trusted functions' owner reaches these.    │
-- └──────────────────────────────────────────────────────────────────────────┘
DO $rls$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sessions', 'refresh_tokens', 'one_time_tokens', 'mfa_factors',
                           'recovery_codes', 'rate_limits', 'login_failures', 'outbox'] LOOP
    EXECUTE format('ALTER TABLE auth.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE auth.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY "Trusted functions manage %s" ON auth.%I TO oxkair_definer'
                   ' USING (true) WITH CHECK (true)', replace(t, '_', ' '), t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON auth.%I TO oxkair_definer', t);
  END LOOP;
END
$rls$;

-- Auth events, through the one audit writer.
CREATE FUNCTION auth.log_event(p_action text, p_user_id uuid, p_detail jsonb) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT audit.append(p_action, 'auth.users', p_user_id::text, NULL, NULL,
                      coalesce(p_detail, '{}'::jsonb) || jsonb_build_object('user_id', p_user_id))
$$;

CREATE FUNCTION auth.email_key(p_email text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = ''
AS $$
  SELECT encode(sha256(convert_to(lower(btrim(p_email)), 'UTF8')), 'hex')
$$;

CREATE FUNCTION auth.queue_email(p_to text, p_subject text, p_body text) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  INSERT INTO auth.outbox (to_address, subject, body) VALUES (p_to, p_subject, p_body)
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Rate limits and lockout                                                  │
-- └──────────────────────────────────────────────────────────────────────────┘
-- Counts one hit on a bucket; returns 0 when allowed, else the seconds until the window ends.
CREATE FUNCTION auth.rate_limit_hit(p_bucket text, p_max integer, p_window_seconds integer)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_window interval := make_interval(secs => p_window_seconds);
  v_hits integer;
  v_start timestamptz;
BEGIN
  INSERT INTO auth.rate_limits AS r (bucket, window_start, hits) VALUES (p_bucket, now(), 1)
  ON CONFLICT (bucket) DO UPDATE
    SET hits = CASE WHEN r.window_start <= now() - v_window THEN 1 ELSE r.hits + 1 END,
        window_start = CASE WHEN r.window_start <= now() - v_window THEN now() ELSE r.window_start END
  RETURNING hits, window_start INTO v_hits, v_start;
  IF v_hits <= p_max THEN
    RETURN 0;
  END IF;
  IF v_hits = p_max + 1 THEN
    PERFORM auth.log_event('AUTH_RATE_LIMITED', NULL, jsonb_build_object('bucket', split_part(p_bucket, ':', 1)));
  END IF;
  RETURN greatest(1, ceil(extract(epoch FROM v_start + v_window - now())))::integer;
END
$$;

-- What a password login needs; always exactly one row, also for an unknown address.
CREATE FUNCTION auth.login_lookup(p_email text)
  RETURNS TABLE (user_id uuid, password_hash text, email text, email_confirmed boolean,
                 usable boolean, mfa_enabled boolean, locked_seconds integer)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT u.id, u.password_hash, u.email, u.email_confirmed_at IS NOT NULL,
         u.id IS NOT NULL AND u.disabled_at IS NULL AND (u.banned_until IS NULL OR u.banned_until <= now()),
         EXISTS (SELECT FROM auth.mfa_factors f WHERE f.user_id = u.id AND f.verified_at IS NOT NULL),
         coalesce(greatest(0, ceil(extract(epoch FROM f.locked_until - now())))::integer, 0)
    FROM (SELECT 1) AS one
    LEFT JOIN auth.users u ON lower(u.email) = lower(btrim(p_email))
    LEFT JOIN auth.login_failures f ON f.email_key = auth.email_key(p_email)
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ A failure after a quiet day starts a new count (old typos do not add up │
-- │ to a lockout); about one call in a thousand also prunes.                │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.record_login_failure(p_email text, p_user_id uuid, p_reason text,
                                                     p_threshold integer, p_base_seconds integer,
                                                     p_max_seconds integer)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_failures integer;
  v_lock integer := 0;
BEGIN
  INSERT INTO auth.login_failures AS f (email_key, failures, last_failure_at)
  VALUES (auth.email_key(p_email), 1, now())
  ON CONFLICT (email_key) DO UPDATE
    SET failures = CASE WHEN f.last_failure_at < now() - interval '1 day' THEN 1 ELSE f.failures + 1 END,
        last_failure_at = now()
  RETURNING failures INTO v_failures;
  IF v_failures >= p_threshold THEN
    v_lock := least(p_max_seconds::numeric,
                    p_base_seconds * power(2::numeric, least(v_failures - p_threshold, 30)))::integer;
    UPDATE auth.login_failures SET locked_until = now() + make_interval(secs => v_lock)
     WHERE email_key = auth.email_key(p_email);
  END IF;
  IF p_user_id IS NOT NULL THEN
    UPDATE auth.users
       SET failed_login_count = v_failures,
           locked_until = CASE WHEN v_lock > 0 THEN now() + make_interval(secs => v_lock) ELSE locked_until END
     WHERE id = p_user_id;
  END IF;
  PERFORM auth.log_event('AUTH_LOGIN_FAILED', p_user_id,
    jsonb_build_object('reason', p_reason, 'failures', v_failures,
                       'email_sha256', CASE WHEN p_user_id IS NULL THEN auth.email_key(p_email) END));
  IF v_lock > 0 THEN
    PERFORM auth.log_event('AUTH_LOCKOUT', p_user_id,
      jsonb_build_object('seconds', v_lock, 'failures', v_failures));
  END IF;
  IF random() < 0.001 THEN
    PERFORM auth.prune();
  END IF;
  RETURN v_lock;
END
$$;

-- A correct password refused for another reason (unverified address, disabled account).
CREATE FUNCTION auth.log_login_refused(p_user_id uuid, p_reason text) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT auth.log_event('AUTH_LOGIN_REFUSED', p_user_id, jsonb_build_object('reason', p_reason))
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Sessions and refresh tokens                                              │
-- └──────────────────────────────────────────────────────────────────────────┘
-- After the credentials were verified (by the API: argon2 runs there). Resets the lockout.
CREATE FUNCTION auth.create_session(p_user_id uuid, p_aal text, p_refresh_hash bytea,
                                    p_idle_seconds integer, p_absolute_seconds integer,
                                    p_user_agent text, p_method text)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_session uuid;
  v_email text;
BEGIN
  INSERT INTO auth.sessions (user_id, aal, idle_timeout, not_after, client_addr, user_agent)
  VALUES (p_user_id, p_aal, make_interval(secs => p_idle_seconds),
          now() + make_interval(secs => p_absolute_seconds),
          nullif(current_setting('request.client_addr', true), '')::inet, left(p_user_agent, 200))
  RETURNING id INTO v_session;
  INSERT INTO auth.refresh_tokens (token_hash, session_id) VALUES (p_refresh_hash, v_session);
  UPDATE auth.users SET last_sign_in_at = now(), failed_login_count = 0, locked_until = NULL
   WHERE id = p_user_id
  RETURNING email INTO v_email;
  DELETE FROM auth.login_failures WHERE email_key = auth.email_key(v_email);
  PERFORM auth.log_event('AUTH_LOGIN', p_user_id,
    jsonb_build_object('session_id', v_session, 'aal', p_aal, 'method', p_method));
  RETURN v_session;
END
$$;

-- Rotates a refresh token. Row locks serialise concurrent presentations of one token: the
-- first wins; every later one is reuse, which revokes the whole session.
CREATE FUNCTION auth.refresh_session(p_old_hash bytea, p_new_hash bytea)
  RETURNS TABLE (status text, session_id uuid, user_id uuid, email text, aal text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_used timestamptz;
  s auth.sessions%ROWTYPE;
  u auth.users%ROWTYPE;
BEGIN
  SELECT rt.used_at INTO v_used FROM auth.refresh_tokens rt WHERE rt.token_hash = p_old_hash FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::uuid, NULL::text, NULL::text;
    RETURN;
  END IF;
  SELECT se.* INTO s FROM auth.sessions se
   WHERE se.id = (SELECT rt.session_id FROM auth.refresh_tokens rt WHERE rt.token_hash = p_old_hash)
   FOR UPDATE;
  SELECT us.* INTO u FROM auth.users us WHERE us.id = s.user_id;
  IF v_used IS NOT NULL THEN
    IF s.revoked_at IS NULL THEN
      UPDATE auth.sessions SET revoked_at = now(), revoked_reason = 'refresh token reused' WHERE id = s.id;
      PERFORM auth.log_event('AUTH_REFRESH_REUSE', s.user_id, jsonb_build_object('session_id', s.id));
    END IF;
    RETURN QUERY SELECT 'reused'::text, s.id, s.user_id, NULL::text, NULL::text;
    RETURN;
  END IF;
  IF s.revoked_at IS NOT NULL OR s.not_after <= now() OR s.last_seen_at + s.idle_timeout <= now()
     OR u.disabled_at IS NOT NULL OR (u.banned_until IS NOT NULL AND u.banned_until > now()) THEN
    IF s.revoked_at IS NULL THEN
      UPDATE auth.sessions SET revoked_at = now(), revoked_reason = 'expired' WHERE id = s.id;
      PERFORM auth.log_event('AUTH_SESSION_EXPIRED', s.user_id, jsonb_build_object('session_id', s.id));
    END IF;
    RETURN QUERY SELECT 'expired'::text, s.id, s.user_id, NULL::text, NULL::text;
    RETURN;
  END IF;
  UPDATE auth.refresh_tokens SET used_at = now() WHERE token_hash = p_old_hash;
  INSERT INTO auth.refresh_tokens (token_hash, session_id) VALUES (p_new_hash, s.id);
  UPDATE auth.sessions SET last_seen_at = now() WHERE id = s.id;
  PERFORM auth.log_event('AUTH_REFRESH', s.user_id, jsonb_build_object('session_id', s.id));
  RETURN QUERY SELECT 'ok'::text, s.id, s.user_id, u.email, s.aal;
END
$$;

-- Whether a token's session is still live (not revoked, not idle, not past its lifetime, user
-- not disabled); a live session's idle clock restarts.
CREATE FUNCTION auth.check_session(p_session_id uuid) RETURNS boolean
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  WITH live AS (
    UPDATE auth.sessions s SET last_seen_at = now()
     WHERE s.id = p_session_id AND s.revoked_at IS NULL AND s.not_after > now()
       AND s.last_seen_at + s.idle_timeout > now()
       AND EXISTS (SELECT FROM auth.users u WHERE u.id = s.user_id AND u.disabled_at IS NULL
                     AND (u.banned_until IS NULL OR u.banned_until <= now()))
    RETURNING 1
  )
  SELECT EXISTS (SELECT FROM live)
$$;

-- Logout of the caller's session (p_all = false) or of all their sessions; returns their ids.
CREATE FUNCTION auth.logout(p_all boolean) RETURNS SETOF uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
  v_session uuid := nullif(auth.jwt() ->> 'session_id', '')::uuid;
BEGIN
  IF v_user IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
    UPDATE auth.sessions s SET revoked_at = now(), revoked_reason = 'logout'
     WHERE s.user_id = v_user AND s.revoked_at IS NULL AND (p_all OR s.id = v_session)
    RETURNING s.id;
  PERFORM auth.log_event('AUTH_LOGOUT', v_user,
    jsonb_build_object('session_id', v_session, 'all_sessions', p_all));
END
$$;

-- The caller's account (GET /auth/user).
CREATE FUNCTION auth.current_user_info()
  RETURNS TABLE (id uuid, email text, email_confirmed_at timestamptz, created_at timestamptz,
                 last_sign_in_at timestamptz, mfa_enabled boolean, first_name text,
                 last_name text, user_category text, institution_id uuid, has_profile boolean)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT u.id, u.email, u.email_confirmed_at, u.created_at, u.last_sign_in_at,
         EXISTS (SELECT FROM auth.mfa_factors f WHERE f.user_id = u.id AND f.verified_at IS NOT NULL),
         p.first_name, p.last_name, p.user_category, p.institution_id, p.id IS NOT NULL
    FROM auth.users u LEFT JOIN public.profiles p ON p.id = u.id
   WHERE u.id = (SELECT auth.uid())
$$;

-- Re-hash (bcrypt → argon2id, or stronger argon2 parameters) after a successful login.
CREATE FUNCTION auth.rehash_password(p_user_id uuid, p_old_hash text, p_new_hash text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  UPDATE auth.users SET password_hash = p_new_hash WHERE id = p_user_id AND password_hash = p_old_hash;
  IF FOUND THEN
    PERFORM auth.log_event('AUTH_PASSWORD_REHASHED', p_user_id,
      jsonb_build_object('from', split_part(p_old_hash, '$', 2), 'to', split_part(p_new_hash, '$', 2)));
  END IF;
END
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Signup, email verification, password reset                               │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.insert_profile(p_user_id uuid, p_first_name text, p_last_name text,
                                    p_user_category text, p_institution_id uuid, p_npi text,
                                    p_phone_number text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM public.institutions i WHERE i.id = p_institution_id) THEN
    RAISE EXCEPTION 'institution not found' USING ERRCODE = 'OX422';
  END IF;
  INSERT INTO public.profiles (id, first_name, last_name, user_category, npi, phone_number, institution_id)
  VALUES (p_user_id, p_first_name, p_last_name, p_user_category, p_npi, p_phone_number, p_institution_id);
  INSERT INTO public.user_settings (id) VALUES (p_user_id);
END
$$;

-- Creates user, profile and settings in one transaction and queues the verification email.
-- An address already registered gets a notice instead, and the caller the same answer.
CREATE FUNCTION auth.signup(p_email text, p_password_hash text, p_first_name text, p_last_name text,
                            p_user_category text, p_institution_id uuid, p_npi text,
                            p_phone_number text, p_token_hash bytea, p_token_seconds integer,
                            p_new_subject text, p_new_body text,
                            p_existing_subject text, p_existing_body text)
  RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid;
  v_existing uuid;
BEGIN
  IF NOT EXISTS (SELECT FROM public.institutions i WHERE i.id = p_institution_id) THEN
    RAISE EXCEPTION 'institution not found' USING ERRCODE = 'OX422';
  END IF;
  SELECT u.id INTO v_existing FROM auth.users u WHERE lower(u.email) = lower(btrim(p_email));
  IF v_existing IS NOT NULL THEN
    PERFORM auth.queue_email(btrim(p_email), p_existing_subject, p_existing_body);
    PERFORM auth.log_event('AUTH_SIGNUP_EXISTING', v_existing, '{}'::jsonb);
    RETURN 'existing';
  END IF;
  INSERT INTO auth.users (email, password_hash, password_changed_at)
  VALUES (btrim(p_email), p_password_hash, now())
  RETURNING id INTO v_user;
  PERFORM auth.insert_profile(v_user, p_first_name, p_last_name, p_user_category, p_institution_id,
                              p_npi, p_phone_number);
  INSERT INTO auth.one_time_tokens (token_hash, user_id, purpose, expires_at)
  VALUES (p_token_hash, v_user, 'email_verification', now() + make_interval(secs => p_token_seconds));
  PERFORM auth.queue_email(btrim(p_email), p_new_subject, p_new_body);
  PERFORM auth.log_event('AUTH_SIGNUP', v_user, jsonb_build_object('user_category', p_user_category));
  RETURN 'created';
END
$$;

CREATE FUNCTION auth.request_token(p_email text, p_purpose text, p_token_hash bytea,
                                              p_token_seconds integer, p_subject text, p_body text)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  u auth.users%ROWTYPE;
  v_send boolean;
BEGIN
  IF p_purpose NOT IN ('email_verification', 'password_reset') THEN
    RAISE EXCEPTION 'unknown token purpose' USING ERRCODE = 'OX422';
  END IF;
  SELECT * INTO u FROM auth.users us WHERE lower(us.email) = lower(btrim(p_email));
  v_send := FOUND AND u.disabled_at IS NULL
            AND NOT (p_purpose = 'email_verification' AND u.email_confirmed_at IS NOT NULL);
  -- Only the newest link works (no row when there is nobody to send to: u.id is NULL).
  UPDATE auth.one_time_tokens SET used_at = now()
   WHERE user_id = CASE WHEN v_send THEN u.id END AND purpose = p_purpose AND used_at IS NULL;
  INSERT INTO auth.one_time_tokens (token_hash, user_id, purpose, expires_at)
  SELECT p_token_hash, u.id, p_purpose, now() + make_interval(secs => p_token_seconds) WHERE v_send;
  INSERT INTO auth.outbox (to_address, subject, body)
  SELECT u.email, p_subject, p_body WHERE v_send;
  IF v_send THEN
    PERFORM auth.log_event(CASE p_purpose WHEN 'password_reset' THEN 'AUTH_RECOVERY_REQUESTED'
                                ELSE 'AUTH_VERIFICATION_RESENT' END, u.id, '{}'::jsonb);
  ELSE
    PERFORM auth.log_event('AUTH_RECOVERY_NOT_SENT', NULL,
                           jsonb_build_object('purpose', p_purpose,
                                              'email_sha256', auth.email_key(p_email)));
  END IF;
END
$$;

CREATE FUNCTION auth.verify_email(p_token_hash bytea) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid;
BEGIN
  UPDATE auth.one_time_tokens SET used_at = now()
   WHERE token_hash = p_token_hash AND purpose = 'email_verification'
     AND used_at IS NULL AND expires_at > now()
  RETURNING user_id INTO v_user;
  IF v_user IS NULL THEN
    RETURN false;
  END IF;
  UPDATE auth.users SET email_confirmed_at = coalesce(email_confirmed_at, now()) WHERE id = v_user;
  PERFORM auth.log_event('AUTH_EMAIL_VERIFIED', v_user, '{}'::jsonb);
  RETURN true;
END
$$;

-- Sets the new password, signs every session out, clears the lockout. Single use.
CREATE FUNCTION auth.reset_password(p_token_hash bytea, p_password_hash text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid;
  v_email text;
BEGIN
  UPDATE auth.one_time_tokens SET used_at = now()
   WHERE token_hash = p_token_hash AND purpose = 'password_reset'
     AND used_at IS NULL AND expires_at > now()
  RETURNING user_id INTO v_user;
  IF v_user IS NULL THEN
    RETURN NULL;
  END IF;
  -- Receiving the link proves the address too.
  UPDATE auth.users
     SET password_hash = p_password_hash, password_changed_at = now(), failed_login_count = 0,
         locked_until = NULL, email_confirmed_at = coalesce(email_confirmed_at, now())
   WHERE id = v_user
  RETURNING email INTO v_email;
  DELETE FROM auth.login_failures WHERE email_key = auth.email_key(v_email);
  UPDATE auth.sessions SET revoked_at = now(), revoked_reason = 'password reset'
   WHERE user_id = v_user AND revoked_at IS NULL;
  PERFORM auth.log_event('AUTH_PASSWORD_RESET', v_user, '{}'::jsonb);
  RETURN v_user;
END
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ TOTP (RFC 6238) and recovery codes. Codes are checked by the API; the    │
-- │ database makes each step and each recovery code usable once.            │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.mfa_enroll(p_secret text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
BEGIN
  IF EXISTS (SELECT FROM auth.mfa_factors f WHERE f.user_id = v_user AND f.verified_at IS NOT NULL)
     AND coalesce(auth.jwt() ->> 'aal', '') <> 'aal2' THEN
    RAISE EXCEPTION 'replacing a factor needs a session verified with it' USING ERRCODE = 'OX403';
  END IF;
  INSERT INTO auth.mfa_factors (user_id, secret) VALUES (v_user, p_secret)
  ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = now(), verified_at = NULL,
                                      last_used_step = 0;
  PERFORM auth.log_event('AUTH_MFA_ENROLL_STARTED', v_user, '{}'::jsonb);
END
$$;

-- The caller's factor (to check an enrolment code).
CREATE FUNCTION auth.my_mfa_factor() RETURNS TABLE (secret text, verified boolean, last_used_step bigint)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT f.secret, f.verified_at IS NOT NULL, f.last_used_step
    FROM auth.mfa_factors f WHERE f.user_id = (SELECT auth.uid())
$$;

-- Confirms enrolment with a code of step p_step; stores recovery codes; the current session
-- becomes aal2.
CREATE FUNCTION auth.mfa_confirm(p_step bigint, p_recovery_hashes bytea[]) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
BEGIN
  UPDATE auth.mfa_factors SET verified_at = now(), last_used_step = p_step
   WHERE user_id = v_user AND verified_at IS NULL AND last_used_step < p_step;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  DELETE FROM auth.recovery_codes WHERE user_id = v_user;
  INSERT INTO auth.recovery_codes (user_id, code_hash) SELECT v_user, unnest(p_recovery_hashes);
  UPDATE auth.sessions SET aal = 'aal2' WHERE id = nullif(auth.jwt() ->> 'session_id', '')::uuid
     AND user_id = v_user;
  PERFORM auth.log_event('AUTH_MFA_ENROLLED', v_user, '{}'::jsonb);
  RETURN true;
END
$$;

CREATE FUNCTION auth.mfa_remove() RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
BEGIN
  IF coalesce(auth.jwt() ->> 'aal', '') <> 'aal2' THEN
    RAISE EXCEPTION 'removing a factor needs a session verified with it' USING ERRCODE = 'OX403';
  END IF;
  DELETE FROM auth.recovery_codes WHERE user_id = v_user;
  DELETE FROM auth.mfa_factors WHERE user_id = v_user;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM auth.log_event('AUTH_MFA_REMOVED', v_user, '{}'::jsonb);
  RETURN true;
END
$$;

CREATE FUNCTION auth.mfa_challenge_create(p_user_id uuid, p_token_hash bytea, p_seconds integer)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  INSERT INTO auth.one_time_tokens (token_hash, user_id, purpose, expires_at)
  VALUES (p_token_hash, p_user_id, 'mfa_challenge', now() + make_interval(secs => p_seconds));
  PERFORM auth.log_event('AUTH_MFA_CHALLENGE', p_user_id, '{}'::jsonb);
END
$$;

CREATE FUNCTION auth.mfa_challenge_factor(p_token_hash bytea, p_max_attempts integer)
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

-- A wrong code: one attempt fewer; the last one burns the challenge.
CREATE FUNCTION auth.mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid;
BEGIN
  UPDATE auth.one_time_tokens
     SET attempts = attempts + 1,
         used_at = CASE WHEN attempts + 1 >= p_max_attempts THEN now() END
   WHERE token_hash = p_token_hash AND purpose = 'mfa_challenge' AND used_at IS NULL
  RETURNING user_id INTO v_user;
  PERFORM auth.log_event('AUTH_MFA_FAILED', v_user, '{}'::jsonb);
END
$$;

-- Completes a challenge with a TOTP step (p_step) or a recovery code (p_recovery_hash): the
-- challenge, the step and the code are each consumed once; then an aal2 session begins.
CREATE FUNCTION auth.mfa_challenge_complete(p_token_hash bytea, p_step bigint, p_recovery_hash bytea,
                                            p_refresh_hash bytea, p_idle_seconds integer,
                                            p_absolute_seconds integer, p_user_agent text)
  RETURNS TABLE (session_id uuid, user_id uuid, email text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid;
BEGIN
  UPDATE auth.one_time_tokens t SET used_at = now()
   WHERE t.token_hash = p_token_hash AND t.purpose = 'mfa_challenge' AND t.used_at IS NULL
     AND t.expires_at > now()
  RETURNING t.user_id INTO v_user;
  IF v_user IS NULL THEN
    RETURN;
  END IF;
  IF p_step IS NOT NULL THEN
    UPDATE auth.mfa_factors f SET last_used_step = p_step
     WHERE f.user_id = v_user AND f.verified_at IS NOT NULL AND f.last_used_step < p_step;
  ELSE
    UPDATE auth.recovery_codes r SET used_at = now()
     WHERE r.user_id = v_user AND r.code_hash = p_recovery_hash AND r.used_at IS NULL;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'code already used' USING ERRCODE = 'OX401';
  END IF;
  RETURN QUERY
    SELECT auth.create_session(v_user, 'aal2', p_refresh_hash, p_idle_seconds, p_absolute_seconds,
                               p_user_agent, CASE WHEN p_step IS NULL THEN 'recovery_code' ELSE 'totp' END),
           v_user, u.email
      FROM auth.users u WHERE u.id = v_user;
END
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ External OIDC (Entra External ID / B2C): one auth.users row per subject  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.link_external_user(p_issuer text, p_subject text, p_email text,
                                        p_email_verified boolean)
  RETURNS TABLE (user_id uuid, email text, usable boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  u auth.users%ROWTYPE;
BEGIN
  SELECT * INTO u FROM auth.users us WHERE us.external_issuer = p_issuer AND us.external_subject = p_subject;
  IF NOT FOUND THEN
    -- Never linked by address: that would let an issuer take over a password account.
    IF EXISTS (SELECT FROM auth.users us WHERE lower(us.email) = lower(btrim(p_email))) THEN
      RAISE EXCEPTION 'an account with this email already exists; sign in with its password'
        USING ERRCODE = 'OX409';
    END IF;
    INSERT INTO auth.users (email, email_confirmed_at, external_issuer, external_subject, app_metadata)
    VALUES (btrim(p_email), CASE WHEN p_email_verified THEN now() END, p_issuer, p_subject,
            jsonb_build_object('provider', 'oidc'))
    RETURNING * INTO u;
    PERFORM auth.log_event('AUTH_EXTERNAL_LINKED', u.id, jsonb_build_object('issuer', p_issuer));
  END IF;
  RETURN QUERY SELECT u.id, u.email,
    u.disabled_at IS NULL AND (u.banned_until IS NULL OR u.banned_until <= now());
END
$$;

-- Profile of a user who has none yet (external users complete it through the signup form).
CREATE FUNCTION auth.complete_profile(p_first_name text, p_last_name text, p_user_category text,
                                      p_institution_id uuid, p_npi text, p_phone_number text)
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
BEGIN
  IF EXISTS (SELECT FROM public.profiles p WHERE p.id = v_user) THEN
    RETURN false;
  END IF;
  PERFORM auth.insert_profile(v_user, p_first_name, p_last_name, p_user_category, p_institution_id,
                              p_npi, p_phone_number);
  PERFORM auth.log_event('AUTH_PROFILE_COMPLETED', v_user, jsonb_build_object('user_category', p_user_category));
  RETURN true;
END
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Outbox                                                                   │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.outbox_pending(p_limit integer)
  RETURNS TABLE (id bigint, to_address text, subject text, body text, created_at timestamptz,
                 attempts integer, last_error text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT o.id, o.to_address, o.subject, o.body, o.created_at, o.attempts, o.last_error
    FROM auth.outbox o WHERE o.sent_at IS NULL ORDER BY o.id LIMIT p_limit
$$;

CREATE FUNCTION auth.outbox_mark(p_id bigint, p_error text) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  UPDATE auth.outbox
     SET attempts = attempts + 1,
         sent_at = CASE WHEN p_error IS NULL THEN now() END,
         body = CASE WHEN p_error IS NULL THEN '' ELSE body END,
         last_error = left(p_error, 300)
   WHERE id = p_id AND sent_at IS NULL
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Ownership and grants                                                     │
-- └──────────────────────────────────────────────────────────────────────────┘
DO $own$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = 'auth'::regnamespace AND p.prosecdef LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO oxkair_definer', f);
  END LOOP;
END
$own$;

GRANT EXECUTE ON FUNCTION auth.email_key(text) TO oxkair_definer;

-- Before login (the API as oxkair_anon).
GRANT EXECUTE ON FUNCTION
  auth.rate_limit_hit(text, integer, integer),
  auth.login_lookup(text),
  auth.record_login_failure(text, uuid, text, integer, integer, integer),
  auth.log_login_refused(uuid, text),
  auth.create_session(uuid, text, bytea, integer, integer, text, text),
  auth.refresh_session(bytea, bytea),
  auth.check_session(uuid),
  auth.rehash_password(uuid, text, text),
  auth.signup(text, text, text, text, text, uuid, text, text, bytea, integer, text, text, text, text),
  auth.request_token(text, text, bytea, integer, text, text),
  auth.verify_email(bytea),
  auth.reset_password(bytea, text),
  auth.mfa_challenge_create(uuid, bytea, integer),
  auth.mfa_challenge_factor(bytea, integer),
  auth.mfa_challenge_complete(bytea, bigint, bytea, bytea, integer, integer, text),
  auth.link_external_user(text, text, text, boolean)
  TO oxkair_anon;

-- With a verified token (the API as oxkair_authenticated): they act on auth.uid() only.
GRANT EXECUTE ON FUNCTION
  auth.check_session(uuid),
  auth.rate_limit_hit(text, integer, integer),
  auth.logout(boolean),
  auth.current_user_info(),
  auth.mfa_enroll(text),
  auth.my_mfa_factor(),
  auth.mfa_confirm(bigint, bytea[]),
  auth.mfa_remove(),
  auth.complete_profile(text, text, text, uuid, text, text)
  TO oxkair_authenticated;

-- Email bodies hold live verification and password-reset links: only the role that sends mail
-- reads them, `oxkair outbox [send]` (the admin, as oxkair_owner). The API queues mail through
-- its auth functions (auth.queue_email, which it cannot call directly). `oxkair check` fails
-- auth.outbox if a role the API acts as can execute a function that reads or changes auth.outbox.
GRANT EXECUTE ON FUNCTION auth.outbox_pending(integer), auth.outbox_mark(bigint, text) TO oxkair_owner;

CREATE FUNCTION auth.prune() RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  DELETE FROM auth.rate_limits WHERE window_start < now() - interval '1 day';
  DELETE FROM auth.login_failures
   WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now());
  DELETE FROM auth.one_time_tokens WHERE expires_at < now() - interval '7 days';
  DELETE FROM app.idempotency_keys WHERE created_at < now() - interval '48 hours';
$$;

ALTER FUNCTION auth.prune() OWNER TO oxkair_definer;

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

CREATE FUNCTION auth.outbox_pending_newest(p_limit integer)
  RETURNS TABLE (id bigint, to_address text, subject text, body text, created_at timestamptz,
                 attempts integer, last_error text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT o.id, o.to_address, o.subject, o.body, o.created_at, o.attempts, o.last_error
    FROM auth.outbox o WHERE o.sent_at IS NULL ORDER BY o.id DESC LIMIT p_limit
$$;

ALTER FUNCTION auth.outbox_pending_newest(integer) OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION auth.outbox_pending_newest(integer) TO oxkair_owner;

CREATE FUNCTION auth.outbox_pending_count() RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT count(*) FROM auth.outbox o WHERE o.sent_at IS NULL
$$;

ALTER FUNCTION auth.outbox_pending_count() OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION auth.outbox_pending_count() TO oxkair_owner;

REVOKE CREATE ON SCHEMA app, audit, auth, public FROM oxkair_definer;