-- Auth housekeeping: failed-login counts decay after a quiet day, and stale rate-limit,
-- lockout and one-time-token rows are pruned as a side effect of normal traffic.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA auth TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Pruning: rows nobody needs any more (the audit trail keeps the events). │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.prune() RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  DELETE FROM auth.rate_limits WHERE window_start < now() - interval '1 day';
  DELETE FROM auth.login_failures
   WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now());
  DELETE FROM auth.one_time_tokens WHERE expires_at < now() - interval '7 days';
$$;
ALTER FUNCTION auth.prune() OWNER TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ A failure after a quiet day starts a new count (old typos do not add up │
-- │ to a lockout); about one call in a thousand also prunes.                │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE OR REPLACE FUNCTION auth.record_login_failure(p_email text, p_user_id uuid, p_reason text,
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
-- CREATE OR REPLACE keeps the owner (oxkair_definer) and the grants of 0010.

REVOKE CREATE ON SCHEMA auth FROM oxkair_definer;
