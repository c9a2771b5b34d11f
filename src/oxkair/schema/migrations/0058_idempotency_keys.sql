-- Idempotency-Key on creating requests (issue 12 probe finding: during a database restart
-- POST /cases answered 503 after its commit, and the client's retry made a second case). The key
-- is claimed in the same transaction as the creation, so either both commit or neither: a retry
-- finds the key with the case it made, and is answered with that case instead of a new one.
-- Per user (auth.uid()), kept at least 24 hours (pruned after 48 by auth.prune). Only the case's
-- id is stored, never its content: a replay re-reads the case under RLS (and logs that read).

GRANT CREATE ON SCHEMA app, auth TO oxkair_definer;

CREATE TABLE app.idempotency_keys (
  user_id uuid NOT NULL REFERENCES auth.users(id),
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  endpoint text NOT NULL,
  request_sha256 bytea NOT NULL,   -- the request body's hash: a key reused for another body is refused
  resource_id uuid,                -- what the first request created (set before its commit)
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON app.idempotency_keys (created_at);

ALTER TABLE app.idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.idempotency_keys FORCE ROW LEVEL SECURITY;
-- Nobody reads or writes keys directly: the two functions below act for auth.uid() only.
CREATE POLICY "Trusted functions manage idempotency keys" ON app.idempotency_keys
  TO oxkair_definer USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON app.idempotency_keys TO oxkair_definer;

-- Claims the caller's key for this request: NULL when it is new (go on and create), else the id
-- of what the first request with this key created. A concurrent twin waits on the first one's
-- row lock, then sees its outcome. Another request body under the same key: OX422.
CREATE FUNCTION app.claim_idempotency_key(p_key text, p_endpoint text, p_request_sha256 bytea)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
  k app.idempotency_keys%ROWTYPE;
BEGIN
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'an idempotency key needs a signed-in user' USING ERRCODE = 'OX401';
  END IF;
  INSERT INTO app.idempotency_keys (user_id, key, endpoint, request_sha256)
  VALUES (v_user, p_key, p_endpoint, p_request_sha256)
  ON CONFLICT (user_id, key) DO NOTHING;
  IF FOUND THEN
    RETURN NULL;
  END IF;
  SELECT * INTO k FROM app.idempotency_keys WHERE user_id = v_user AND key = p_key;
  IF k.endpoint <> p_endpoint OR k.request_sha256 <> p_request_sha256 THEN
    RAISE EXCEPTION 'this Idempotency-Key was already used for a different request'
      USING ERRCODE = 'OX422';
  END IF;
  RETURN k.resource_id;
END
$$;
ALTER FUNCTION app.claim_idempotency_key(text, text, bytea) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.claim_idempotency_key(text, text, bytea) TO oxkair_authenticated;

-- What the request that claimed the key created (same transaction).
CREATE FUNCTION app.record_idempotency_result(p_key text, p_resource_id uuid) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  UPDATE app.idempotency_keys SET resource_id = p_resource_id
   WHERE user_id = (SELECT auth.uid()) AND key = p_key AND resource_id IS NULL
$$;
ALTER FUNCTION app.record_idempotency_result(text, uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.record_idempotency_result(text, uuid) TO oxkair_authenticated;

CREATE OR REPLACE FUNCTION auth.prune() RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  DELETE FROM auth.rate_limits WHERE window_start < now() - interval '1 day';
  DELETE FROM auth.login_failures
   WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now());
  DELETE FROM auth.one_time_tokens WHERE expires_at < now() - interval '7 days';
  DELETE FROM app.idempotency_keys WHERE created_at < now() - interval '48 hours';
$$;

REVOKE CREATE ON SCHEMA app, auth FROM oxkair_definer;
