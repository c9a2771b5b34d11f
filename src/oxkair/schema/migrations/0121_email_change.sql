-- Changing one's email address (GoTrue's PUT /user {email}, issue 13): a signed-in user asks,
-- the NEW address confirms with a single-use link (the same /verify-email link and function as
-- a signup's), and the current address is told at once. A taken address changes nothing and
-- tells the caller nothing (its owner gets a notice), as signup does. Membership is unchanged
-- by the change: verified or not, it stays what it was (administrators decide as before).

-- Handing functions to oxkair_definer needs CREATE on the schema; granted only meanwhile.
GRANT CREATE ON SCHEMA auth TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Pending changes: the token's sha256, whose account, the new address.    │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE auth.email_changes (
  token_hash bytea NOT NULL,
  user_id uuid NOT NULL,
  new_email text NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  expires_at timestamp with time zone NOT NULL,
  used_at timestamp with time zone,
  CONSTRAINT email_changes_pkey PRIMARY KEY (token_hash),
  CONSTRAINT email_changes_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id),
  CONSTRAINT email_changes_new_email_format
    CHECK (new_email = btrim(new_email) AND new_email LIKE '%_@_%' AND length(new_email) <= 320)
);
CREATE INDEX email_changes_user_id_idx ON auth.email_changes (user_id);
ALTER TABLE auth.email_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth.email_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY "Trusted functions manage email changes" ON auth.email_changes TO oxkair_definer
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON auth.email_changes TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The request, by the signed-in caller (auth.uid()) for their own account │
-- │ only; accounts of the external issuer change their address there.      │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION auth.request_email_change(p_new_email text, p_token_hash bytea, p_seconds integer,
                                          p_subject text, p_body text,
                                          p_taken_subject text, p_taken_body text,
                                          p_notice_subject text, p_notice_body text)
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
  v_current text;
  v_email text := btrim(p_new_email);
BEGIN
  SELECT u.email INTO v_current FROM auth.users u
   WHERE u.id = v_user AND u.external_issuer IS NULL AND u.disabled_at IS NULL;
  IF v_current IS NULL THEN
    RETURN false;
  END IF;
  -- One pending change at a time: an older link stops working.
  UPDATE auth.email_changes SET used_at = now() WHERE user_id = v_user AND used_at IS NULL;
  IF EXISTS (SELECT FROM auth.users u WHERE lower(u.email) = lower(v_email)) THEN
    PERFORM auth.queue_email(v_email, p_taken_subject, p_taken_body);
    PERFORM auth.log_event('AUTH_EMAIL_CHANGE_REQUESTED', v_user,
      jsonb_build_object('to', auth.email_key(v_email), 'taken', true));
    RETURN true;
  END IF;
  INSERT INTO auth.email_changes (token_hash, user_id, new_email, expires_at)
  VALUES (p_token_hash, v_user, v_email, now() + make_interval(secs => p_seconds));
  PERFORM auth.queue_email(v_email, p_subject, p_body);
  PERFORM auth.queue_email(v_current, p_notice_subject, p_notice_body);
  PERFORM auth.log_event('AUTH_EMAIL_CHANGE_REQUESTED', v_user,
    jsonb_build_object('to', auth.email_key(v_email), 'taken', false));
  RETURN true;
END
$$;
ALTER FUNCTION auth.request_email_change(text, bytea, integer, text, text, text, text, text, text)
  OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION
  auth.request_email_change(text, bytea, integer, text, text, text, text, text, text)
  TO oxkair_authenticated;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The link: a signup's verification token as before, else a pending       │
-- │ change's, which moves the account to the new (now confirmed) address.   │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE OR REPLACE FUNCTION auth.verify_email(p_token_hash bytea) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid;
  v_new text;
BEGIN
  UPDATE auth.one_time_tokens SET used_at = now()
   WHERE token_hash = p_token_hash AND purpose = 'email_verification'
     AND used_at IS NULL AND expires_at > now()
  RETURNING user_id INTO v_user;
  IF v_user IS NOT NULL THEN
    UPDATE auth.users SET email_confirmed_at = coalesce(email_confirmed_at, now()) WHERE id = v_user;
    PERFORM auth.log_event('AUTH_EMAIL_VERIFIED', v_user, '{}'::jsonb);
    RETURN true;
  END IF;
  UPDATE auth.email_changes c SET used_at = now()
   WHERE c.token_hash = p_token_hash AND c.used_at IS NULL AND c.expires_at > now()
  RETURNING c.user_id, c.new_email INTO v_user, v_new;
  IF v_user IS NULL
     OR EXISTS (SELECT FROM auth.users u WHERE lower(u.email) = lower(v_new) AND u.id <> v_user)
     OR NOT EXISTS (SELECT FROM auth.users u WHERE u.id = v_user AND u.disabled_at IS NULL) THEN
    RETURN false;  -- unknown, used or expired; or the address was taken meanwhile
  END IF;
  UPDATE auth.users SET email = v_new, email_confirmed_at = coalesce(email_confirmed_at, now())
   WHERE id = v_user;
  PERFORM auth.log_event('AUTH_EMAIL_CHANGED', v_user, jsonb_build_object('to', auth.email_key(v_new)));
  RETURN true;
END
$$;

-- Pending changes hold an address: gone a week after they expire (as one-time tokens).
CREATE OR REPLACE FUNCTION auth.prune() RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  DELETE FROM auth.rate_limits WHERE window_start < now() - interval '1 day';
  DELETE FROM auth.login_failures
   WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now());
  DELETE FROM auth.one_time_tokens WHERE expires_at < now() - interval '7 days';
  DELETE FROM auth.email_changes WHERE expires_at < now() - interval '7 days';
  DELETE FROM app.idempotency_keys WHERE created_at < now() - interval '48 hours';
$$;

REVOKE CREATE ON SCHEMA auth FROM oxkair_definer;
