-- Tamper-evident audit trail (HIPAA 164.312(b)): append-only, hash-chained, partitioned by year.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The chain. Entries are chained per lane (8 lanes by backend pid) so that │
-- │ concurrent writers wait on one eighth of the traffic, not all of it.     │
-- │ chain_head holds each lane's last seq/hash: a removed tail is detected.  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE audit.chain_head (
  lane smallint PRIMARY KEY CHECK (lane BETWEEN 0 AND 7),
  seq bigint NOT NULL DEFAULT 0,
  hash bytea NOT NULL,
  prev_hash bytea              -- the hash before the last append (lets one UPDATE do it all)
);
INSERT INTO audit.chain_head (lane, hash)
SELECT l, sha256(convert_to('oxkair audit genesis ' || l, 'UTF8'))
  FROM generate_series(0, 7) AS l;

CREATE TABLE audit.log (
  lane smallint NOT NULL,
  seq bigint NOT NULL,
  at timestamp with time zone NOT NULL,
  txid xid8 NOT NULL,
  actor_user_id uuid,          -- the end user, from the verified token's claims
  db_role text NOT NULL,       -- the role the statement ran as (e.g. oxkair_authenticated)
  session_role text NOT NULL,  -- the login (e.g. oxkair_api)
  client_addr inet,
  action text NOT NULL,        -- INSERT / UPDATE / DELETE / READ / auth and operations events
  table_name text,
  row_id text,
  old_values jsonb,            -- changed columns only; password hashes never
  new_values jsonb,
  detail jsonb,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (lane, seq, at)
) PARTITION BY RANGE (at);

CREATE INDEX log_table_name_row_id_idx ON audit.log (table_name, row_id);
CREATE INDEX log_actor_user_id_at_idx ON audit.log (actor_user_id, at);

-- One partition a year keeps 6+ years cheap to query, back up and (after 6 years) archive
-- with DETACH PARTITION. The default partition means no entry is ever refused.
CREATE FUNCTION audit.ensure_partitions(first_year int, last_year int) RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  FOR y IN first_year..last_year LOOP
    EXECUTE format(
      'CREATE TABLE IF NOT EXISTS audit.log_y%s PARTITION OF audit.log FOR VALUES FROM (%L) TO (%L)',
      y, make_date(y, 1, 1), make_date(y + 1, 1, 1));
  END LOOP;
END
$$;
DO $$ BEGIN PERFORM audit.ensure_partitions(2024, 2040); END $$;
CREATE TABLE audit.log_default PARTITION OF audit.log DEFAULT;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Hash of one entry: sha256(previous hash || canonical JSON of its fields) │
-- │ The trigger and `oxkair audit verify` use this one definition.           │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION audit.entry_hash(
  prev_hash bytea, lane smallint, seq bigint, at timestamptz, txid xid8, actor_user_id uuid,
  db_role text, session_role text, client_addr inet, action text, table_name text, row_id text,
  old_values jsonb, new_values jsonb, detail jsonb
) RETURNS bytea
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = ''
AS $$
  SELECT pg_catalog.sha256(prev_hash || pg_catalog.convert_to(pg_catalog.jsonb_build_array(
    lane, seq, (extract(epoch FROM at) * 1000000)::bigint, txid::text, actor_user_id, db_role,
    session_role, host(client_addr), action, table_name, row_id, old_values, new_values, detail
  )::text, 'UTF8'))
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Appending: the only way in. SECURITY DEFINER, so no API role needs any   │
-- │ privilege on the audit tables.                                           │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION audit.append(
  p_action text, p_table text, p_row_id text, p_old jsonb, p_new jsonb, p_detail jsonb,
  p_db_role text
) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_lane smallint := (pg_backend_pid() % 8)::smallint;
  v_seq bigint;
  v_prev bytea;
  v_hash bytea;
  v_at timestamptz := clock_timestamp();
  v_txid xid8 := pg_current_xact_id();
  v_actor uuid := auth.uid();
  v_client inet := coalesce(nullif(current_setting('request.client_addr', true), '')::inet,
                            inet_client_addr());
BEGIN
  -- One statement advances the lane: its row lock orders the lane's entries until this
  -- transaction ends, and SET sees the previous head (re-read if a concurrent append won).
  UPDATE audit.chain_head h
     SET seq = h.seq + 1,
         prev_hash = h.hash,
         hash = audit.entry_hash(h.hash, v_lane, h.seq + 1, v_at, v_txid, v_actor, p_db_role,
                                 session_user, v_client, p_action, p_table, p_row_id, p_old, p_new,
                                 p_detail)
   WHERE h.lane = v_lane
  RETURNING h.seq, h.prev_hash, h.hash INTO v_seq, v_prev, v_hash;
  INSERT INTO audit.log (lane, seq, at, txid, actor_user_id, db_role, session_role, client_addr,
                         action, table_name, row_id, old_values, new_values, detail, prev_hash, hash)
  VALUES (v_lane, v_seq, v_at, v_txid, v_actor, p_db_role, session_user, v_client,
          p_action, p_table, p_row_id, p_old, p_new, p_detail, v_prev, v_hash);
END
$$;

-- The shared row-change trigger. TG_ARGV lists columns never recorded (password hashes).
-- Not SECURITY DEFINER itself, so current_user is the role that made the change.
CREATE FUNCTION audit.tg__row_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_old jsonb;
  v_new jsonb;
  v_row_id text;
BEGIN
  -- The data migration records per-table totals instead of one entry per copied row.
  IF current_setting('oxkair.bulk_load', true) = 'on'
     AND pg_has_role(current_user, 'oxkair_migrator', 'MEMBER') THEN
    RETURN NULL;
  END IF;
  -- TG_ARGV is NULL when the trigger has no arguments, and jsonb - NULL is NULL.
  IF TG_OP <> 'INSERT' THEN v_old := to_jsonb(OLD) - coalesce(TG_ARGV, '{}'); END IF;
  IF TG_OP <> 'DELETE' THEN v_new := to_jsonb(NEW) - coalesce(TG_ARGV, '{}'); END IF;
  v_row_id := coalesce(v_new ->> 'id', v_old ->> 'id');
  IF TG_OP = 'UPDATE' THEN
    SELECT jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, v_new -> o.key)
      INTO v_old, v_new
      FROM jsonb_each(v_old) AS o
     WHERE o.value IS DISTINCT FROM v_new -> o.key;
    IF v_old IS NULL THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
  END IF;
  PERFORM audit.append(TG_OP, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, v_row_id, v_old, v_new,
                       NULL, current_user::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER tg_users__audit AFTER INSERT OR UPDATE OR DELETE ON auth.users
  FOR EACH ROW EXECUTE FUNCTION audit.tg__row_change('password_hash');
CREATE TRIGGER tg_institutions__audit AFTER INSERT OR UPDATE OR DELETE ON public.institutions
  FOR EACH ROW EXECUTE FUNCTION audit.tg__row_change();
CREATE TRIGGER tg_profiles__audit AFTER INSERT OR UPDATE OR DELETE ON public.profiles
  FOR EACH ROW EXECUTE FUNCTION audit.tg__row_change();
CREATE TRIGGER tg_user_settings__audit AFTER INSERT OR UPDATE OR DELETE ON public.user_settings
  FOR EACH ROW EXECUTE FUNCTION audit.tg__row_change();
CREATE TRIGGER tg_medical_notes__audit AFTER INSERT OR UPDATE OR DELETE ON public.medical_notes
  FOR EACH ROW EXECUTE FUNCTION audit.tg__row_change();

-- Reads of PHI made through the API (the access log): one entry per request.
CREATE FUNCTION audit.log_access(p_table text, p_row_ids text[], p_detail jsonb) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT audit.append('READ', p_table, NULL, NULL, NULL,
                      coalesce(p_detail, '{}'::jsonb) || jsonb_build_object('row_ids', to_jsonb(p_row_ids)),
                      'oxkair_authenticated')
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Append-only: no grant opens UPDATE/DELETE/TRUNCATE, and these guards     │
-- │ stop even the owner unless it first disables them (which pgaudit logs).  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION audit.tg__forbid_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER tg_log__append_only BEFORE UPDATE OR DELETE ON audit.log
  FOR EACH ROW EXECUTE FUNCTION audit.tg__forbid_change();
CREATE TRIGGER tg_log__no_truncate BEFORE TRUNCATE ON audit.log
  FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__forbid_change();

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Verification: every entry's hash, the links between entries, the heads. │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION audit.verify_chain()
  RETURNS TABLE (lane smallint, seq bigint, problem text)
  LANGUAGE sql STABLE
  SET search_path = ''
AS $$
  WITH genesis AS (
    SELECT h.lane, sha256(convert_to('oxkair audit genesis ' || h.lane, 'UTF8')) AS hash
      FROM audit.chain_head h
  ), entries AS (
    SELECT l.lane, l.seq, l.prev_hash, l.hash,
           audit.entry_hash(l.prev_hash, l.lane, l.seq, l.at, l.txid, l.actor_user_id, l.db_role,
                            l.session_role, l.client_addr, l.action, l.table_name, l.row_id,
                            l.old_values, l.new_values, l.detail) AS computed,
           lag(l.seq) OVER w AS before_seq,
           lag(l.hash) OVER w AS before_hash
      FROM audit.log l
    WINDOW w AS (PARTITION BY l.lane ORDER BY l.seq)
  ), problems AS (
    SELECT e.lane, e.seq, 'entry altered: its hash does not match its content' AS problem
      FROM entries e WHERE e.computed <> e.hash
    UNION ALL
    SELECT e.lane, e.seq, 'entries missing before this one'
      FROM entries e WHERE e.seq <> coalesce(e.before_seq, 0) + 1
    UNION ALL
    SELECT e.lane, e.seq, 'link broken: previous hash does not match the entry before'
      FROM entries e JOIN genesis g ON g.lane = e.lane
     WHERE e.prev_hash <> coalesce(e.before_hash, g.hash) AND e.seq = coalesce(e.before_seq, 0) + 1
    UNION ALL
    SELECT h.lane, h.seq, 'entries missing at the end of the lane'
      FROM audit.chain_head h
      LEFT JOIN LATERAL (SELECT max(l.seq) AS last_seq FROM audit.log l WHERE l.lane = h.lane) m ON true
     WHERE h.seq <> coalesce(m.last_seq, 0)
    UNION ALL
    SELECT h.lane, h.seq, 'lane head does not match its last entry'
      FROM audit.chain_head h
      JOIN audit.log l ON l.lane = h.lane AND l.seq = h.seq
     WHERE l.hash <> h.hash
  )
  SELECT p.lane, p.seq, p.problem FROM problems p ORDER BY p.lane, p.seq, p.problem
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Ownership and grants                                                     │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER FUNCTION audit.append(text, text, text, jsonb, jsonb, jsonb, text) OWNER TO oxkair_definer;
ALTER FUNCTION audit.log_access(text, text[], jsonb) OWNER TO oxkair_definer;
GRANT SELECT, UPDATE ON audit.chain_head TO oxkair_definer;
GRANT INSERT ON audit.log TO oxkair_definer;
GRANT EXECUTE ON FUNCTION audit.entry_hash(bytea, smallint, bigint, timestamptz, xid8, uuid, text, text,
                                           inet, text, text, text, jsonb, jsonb, jsonb)
  TO oxkair_definer, oxkair_auditor;
GRANT EXECUTE ON FUNCTION audit.append(text, text, text, jsonb, jsonb, jsonb, text)
  TO oxkair_authenticated, oxkair_anon, oxkair_migrator;
GRANT EXECUTE ON FUNCTION audit.log_access(text, text[], jsonb) TO oxkair_authenticated;
GRANT USAGE ON SCHEMA audit TO oxkair_authenticated, oxkair_anon, oxkair_migrator;

GRANT SELECT ON audit.log, audit.chain_head TO oxkair_auditor;
GRANT EXECUTE ON FUNCTION audit.verify_chain() TO oxkair_auditor;

-- pgaudit object auditing: statements that write PHI are logged by the server too.
GRANT INSERT, UPDATE, DELETE ON public.medical_notes, public.profiles, public.user_settings, auth.users
  TO oxkair_pgaudit;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Emergency access (HIPAA 164.312(a)(2)(ii)): oxkair_break_glass can read  │
-- │ every case; the policy itself writes an audit entry for each row read.   │
-- │ Disabled by default: an admin enables it by granting it to a login.      │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.log_break_glass_read(p_table text, p_row_id uuid) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  PERFORM audit.append('BREAK_GLASS_READ', p_table, p_row_id::text, NULL, NULL,
                       jsonb_build_object('reason', current_setting('oxkair.break_glass_reason', true)),
                       'oxkair_break_glass');
  RETURN true;
END
$$;
ALTER FUNCTION app.log_break_glass_read(text, uuid) OWNER TO oxkair_definer;
GRANT USAGE ON SCHEMA app TO oxkair_break_glass;
GRANT EXECUTE ON FUNCTION app.log_break_glass_read(text, uuid) TO oxkair_break_glass;

CREATE POLICY "Emergency access reads every case, each read audited" ON public.medical_notes
  FOR SELECT TO oxkair_break_glass
  USING (app.log_break_glass_read('public.medical_notes', id));
GRANT SELECT ON public.medical_notes TO oxkair_break_glass;

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
