-- `oxkair outbox` (issue 15): the newest pending messages first (the link someone just asked for
-- is the one they want), and how many are pending in all. Delivery keeps 0010's oldest-first
-- auth.outbox_pending.

-- Handing functions to oxkair_definer needs CREATE on the schema; granted only meanwhile.
GRANT CREATE ON SCHEMA auth TO oxkair_definer;

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

REVOKE CREATE ON SCHEMA auth FROM oxkair_definer;
