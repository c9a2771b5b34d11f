-- ╔═════════════════════════════════════════════════════════════════════════════════════════════╗
-- ║ The audit trail (HIPAA 164.312(b)): an append-only, hash-chained log in 8 lanes, yearly     ║
-- ║ partitions, generated row-change triggers, and its only writers: audit.append (reached only ║
-- ║ through SECURITY DEFINER functions and triggers), app.log_case_reads (the PHI access log),  ║
-- ║ app.log_break_glass_read, audit.log_migration. docs/audit.md explains the chain.            ║
-- ╚═════════════════════════════════════════════════════════════════════════════════════════════╝

-- Handing functions to oxkair_definer needs CREATE on their schema: granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, auth, public TO oxkair_definer;

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
  LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT pg_catalog.sha256(prev_hash || pg_catalog.convert_to(pg_catalog.jsonb_build_array(
    lane, seq, (extract(epoch FROM at) * 1000000)::bigint, txid::text, actor_user_id, db_role,
    session_role, host(client_addr), action, table_name, row_id, old_values, new_values, detail
  )::text, 'UTF8'))
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

GRANT SELECT, UPDATE ON audit.chain_head TO oxkair_definer;

GRANT INSERT ON audit.log TO oxkair_definer;

GRANT EXECUTE ON FUNCTION audit.entry_hash(bytea, smallint, bigint, timestamptz, xid8, uuid, text, text,
                                           inet, text, text, text, jsonb, jsonb, jsonb)
  TO oxkair_definer, oxkair_auditor;

GRANT USAGE ON SCHEMA audit TO oxkair_migrator;

GRANT SELECT ON audit.log, audit.chain_head TO oxkair_auditor;

GRANT EXECUTE ON FUNCTION audit.verify_chain() TO oxkair_auditor;

-- pgaudit object auditing: statements that write PHI are logged by the server too.
GRANT INSERT, UPDATE, DELETE ON public.medical_notes, public.profiles, public.user_settings, auth.users
  TO oxkair_pgaudit;

-- Emergency access: each row the break-glass role reads is recorded first (its policy: 0007).
CREATE FUNCTION app.log_break_glass_read(p_table text, p_row_id uuid) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  PERFORM audit.append('BREAK_GLASS_READ', 'public.medical_notes', p_row_id::text, NULL, NULL,
                       jsonb_build_object('reason', current_setting('oxkair.break_glass_reason', true)));
  RETURN true;
END
$$;

ALTER FUNCTION app.log_break_glass_read(text, uuid) OWNER TO oxkair_definer;

GRANT USAGE ON SCHEMA app TO oxkair_break_glass;

GRANT EXECUTE ON FUNCTION app.log_break_glass_read(text, uuid) TO oxkair_break_glass;

-- Audit at less cost (issue 2 benchmark: audited updates <= 1.5x plain ones). Same entries, same
-- hashes; where the time went, measured per audited UPDATE of a medical_notes row (perf and
-- EXPLAIN ANALYZE's trigger time, 6 KB notes):
--   * audit.entry_hash, a SQL function with SET search_path, cannot be inlined, so every call
--     parsed and planned its body again. Without the SET clause and declared STABLE (its body is:
--     extract() and jsonb_build_array() are stable) it is inlined into audit.append's cached plan.
--     Every name in it is qualified or a built-in operator, so it needs no search_path.
--   * audit.append ran two statements (advance the lane's head, insert the entry); the executor's
--     start-up and shutdown of each statement cost as much as its work. Now one statement.
--   * the shared trigger turned OLD and NEW into jsonb whole (6 KB notes decompressed and copied
--     twice) and diffed them with a query. A trigger generated per table compares column by
--     column and converts only what changed. (Measured against two other generated shapes, one
--     array expression of all comparisons and whole-row to_jsonb minus the unchanged keys: both
--     cost more.)
-- Measured with bench/audit_overhead.py; figures in docs/audit.md.
--
-- A generated trigger is only as good as its column list, so: audit.row_change_trigger records
-- which columns each one compares; a post-apply hook (post-apply-audit-triggers.sql) regenerates
-- them after every upgrade, so a migration that adds a column cannot leave it unaudited; and
-- `oxkair check` fails audit.triggers if a table's columns differ from its trigger's.

CREATE TABLE audit.row_change_trigger (
  table_name text PRIMARY KEY,                 -- schema-qualified, e.g. public.medical_notes
  never_recorded text[] NOT NULL DEFAULT '{}', -- columns never compared nor written (password hashes)
  columns text[] NOT NULL,                     -- the columns the generated function compares
  function_name text NOT NULL,                 -- audit.<function_name>()
  generated_at timestamptz NOT NULL DEFAULT now(),
  -- The trigger as generated: `oxkair check` fails a trigger that differs (a WHEN clause edited
  -- to skip rows, events removed) as well as one missing a column.
  trigger_def text
);

GRANT SELECT ON audit.row_change_trigger TO oxkair_auditor;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Generated row-change triggers, SECURITY DEFINER and owned by             │
-- │ oxkair_definer: the acting role comes from audit.append.                 │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION audit.row_change_function_source(p_table regclass, p_function text, p_never text[])
  RETURNS text
  LANGUAGE plpgsql VOLATILE
  SET search_path = ''
AS $gen$
DECLARE
  v_has_id boolean := false;
  v_compare text := '';
  v_count integer := 0;
  v_type text;
  v_test text;
  a record;
BEGIN
  FOR a IN
    SELECT attname, atttypid
      FROM pg_catalog.pg_attribute
     WHERE attrelid = p_table AND attnum > 0 AND NOT attisdropped AND attname <> ALL (p_never)
     ORDER BY attnum
  LOOP
    v_has_id := v_has_id OR a.attname = 'id';
    v_count := v_count + 1;
    v_type := pg_catalog.format_type(a.atttypid, NULL);
    BEGIN
      -- Types with an equality operator compare as values; the few without one by their jsonb form.
      EXECUTE format('SELECT NULL::%s IS DISTINCT FROM NULL::%s', v_type, v_type);
      v_test := format('NEW.%1$I IS DISTINCT FROM OLD.%1$I', a.attname);
    EXCEPTION WHEN undefined_function THEN
      v_test := format('pg_catalog.to_jsonb(NEW.%1$I) IS DISTINCT FROM pg_catalog.to_jsonb(OLD.%1$I)',
                       a.attname);
    END;
    -- One small IF per column measured cheaper than one big expression or whole-row jsonb (0050).
    v_compare := v_compare || format($c$
    IF %s THEN
      v_old := v_old || pg_catalog.jsonb_build_object(%L, OLD.%I);
      v_new := v_new || pg_catalog.jsonb_build_object(%L, NEW.%I);
    END IF;$c$, v_test, a.attname, a.attname, a.attname, a.attname);
  END LOOP;
  IF v_count = 0 THEN
    RAISE EXCEPTION 'table % has no column to audit', p_table;
  END IF;

  RETURN format($f$
CREATE OR REPLACE FUNCTION audit.%1$I() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
AS $body$
-- Generated by audit.install_row_change_trigger(%2$L): do not edit; regenerated on every upgrade.
-- SECURITY DEFINER: it alone may call audit.append, which records the acting role itself.
DECLARE
  v_old jsonb := '{}';
  v_new jsonb := '{}';
BEGIN
  -- The data migration records per-table totals instead of one entry per copied row (the
  -- trigger's WHEN skips these already; this stays in case the trigger is recreated without it).
  IF pg_catalog.current_setting('oxkair.bulk_load', true) = 'on'
     AND pg_catalog.pg_has_role(audit.acting_role(), 'oxkair_migrator', 'MEMBER') THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN%3$s
    IF v_old = '{}'::jsonb THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
    PERFORM audit.append('UPDATE', %2$L, %4$s, v_old, v_new, NULL);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM audit.append('INSERT', %2$L, %5$s, NULL, pg_catalog.to_jsonb(NEW) - %6$L::text[], NULL);
  ELSE
    PERFORM audit.append('DELETE', %2$L, %4$s, pg_catalog.to_jsonb(OLD) - %6$L::text[], NULL, NULL);
  END IF;
  RETURN NULL;
END
$body$;
ALTER FUNCTION audit.%1$I() OWNER TO oxkair_definer;
$f$,
    p_function, p_table::text, v_compare,
    CASE WHEN v_has_id THEN 'OLD.id::text' ELSE 'NULL' END,
    CASE WHEN v_has_id THEN 'NEW.id::text' ELSE 'NULL' END,
    p_never);
END
$gen$;

-- Handing the generated function to oxkair_definer needs CREATE on audit for that role: lent for
-- the duration of one (re)generation, as the migrations do.
CREATE FUNCTION audit.install_row_change_trigger(p_table regclass, p_never_recorded text[] DEFAULT '{}')
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_schema name;
  v_rel name;
  v_function text;
BEGIN
  SELECT n.nspname, c.relname INTO v_schema, v_rel
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = p_table;
  v_function := format('tg_%s_%s__row_change', v_schema, v_rel);
  GRANT CREATE ON SCHEMA audit TO oxkair_definer;
  EXECUTE audit.row_change_function_source(p_table, v_function, p_never_recorded);
  REVOKE CREATE ON SCHEMA audit FROM oxkair_definer;
  EXECUTE format(
    'CREATE OR REPLACE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW'
    ' WHEN (pg_catalog.current_setting(''oxkair.bulk_load'', true) IS DISTINCT FROM ''on'''
    '       OR NOT pg_catalog.pg_has_role(CURRENT_USER, ''oxkair_migrator'', ''MEMBER''))'
    ' EXECUTE FUNCTION audit.%I()', 'tg_' || v_rel || '__audit', p_table, v_function);
  INSERT INTO audit.row_change_trigger AS r (table_name, never_recorded, columns, function_name, trigger_def)
  SELECT p_table::text, p_never_recorded, array_agg(a.attname::text ORDER BY a.attnum), v_function,
         (SELECT pg_catalog.pg_get_triggerdef(t.oid) FROM pg_catalog.pg_trigger t
           WHERE t.tgrelid = p_table AND t.tgname = 'tg_' || v_rel || '__audit')
    FROM pg_catalog.pg_attribute a
   WHERE a.attrelid = p_table AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> ALL (p_never_recorded)
  ON CONFLICT (table_name) DO UPDATE
    SET never_recorded = excluded.never_recorded, columns = excluded.columns,
        function_name = excluded.function_name, trigger_def = excluded.trigger_def, generated_at = now();
END
$$;

-- Regenerate every registered trigger (the post-apply hook calls this after each upgrade).
CREATE FUNCTION audit.refresh_row_change_triggers() RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT table_name, never_recorded FROM audit.row_change_trigger ORDER BY table_name LOOP
    PERFORM audit.install_row_change_trigger(r.table_name::regclass, r.never_recorded);
  END LOOP;
END
$$;

-- The data migration's bulk load skips per-row audit entries (it records per-table totals); the
-- generated functions returned at once, but each row still queued an AFTER trigger event and ran
-- a plpgsql call: ~1.5 s of CPU per 100k notes (issue 4 benchmark). A WHEN clause, evaluated
-- before anything is queued, skips them. The function keeps its own test too.

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The role a statement acts as. Inside a SECURITY DEFINER function         │
-- │ current_user is the function's owner, but the `role` setting still names │
-- │ what SET ROLE chose (PostgreSQL refuses SET ROLE inside a definer        │
-- │ function, and only to roles the login is a member of), and session_user  │
-- │ is the login when no SET ROLE happened.                                  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION audit.acting_role() RETURNS text
  LANGUAGE sql STABLE
AS $$
  SELECT coalesce(nullif(pg_catalog.current_setting('role', true), 'none'), SESSION_USER::text)
$$;

GRANT EXECUTE ON FUNCTION audit.acting_role() TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The one writer, in one statement; the role derived, never passed.        │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION audit.append(p_action text, p_table text, p_row_id text, p_old jsonb, p_new jsonb,
                             p_detail jsonb) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_lane smallint := (pg_catalog.pg_backend_pid() % 8)::smallint;
  v_at timestamptz := pg_catalog.clock_timestamp();
  v_txid xid8 := pg_catalog.pg_current_xact_id();
  v_actor uuid := auth.uid();
  v_role text := audit.acting_role();
  v_client inet := coalesce(nullif(pg_catalog.current_setting('request.client_addr', true), '')::inet,
                            pg_catalog.inet_client_addr());
BEGIN
  WITH head AS (
    UPDATE audit.chain_head h
       SET seq = h.seq + 1,
           prev_hash = h.hash,
           hash = audit.entry_hash(h.hash, v_lane, h.seq + 1, v_at, v_txid, v_actor, v_role,
                                   session_user, v_client, p_action, p_table, p_row_id, p_old, p_new,
                                   p_detail)
     WHERE h.lane = v_lane
    RETURNING h.seq, h.prev_hash, h.hash
  )
  INSERT INTO audit.log (lane, seq, at, txid, actor_user_id, db_role, session_role, client_addr,
                         action, table_name, row_id, old_values, new_values, detail, prev_hash, hash)
  SELECT v_lane, head.seq, v_at, v_txid, v_actor, v_role, session_user, v_client,
         p_action, p_table, p_row_id, p_old, p_new, p_detail, head.prev_hash, head.hash
    FROM head;
END
$$;

ALTER FUNCTION audit.append(text, text, text, jsonb, jsonb, jsonb) OWNER TO oxkair_definer;

REVOKE EXECUTE ON FUNCTION audit.append(text, text, text, jsonb, jsonb, jsonb) FROM PUBLIC;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The access log: one READ entry per response, for the cases it carries    │
-- │ that the caller can read. The predicate is the read policy's (0007):     │
-- │ creator or assigned provider, and a verified member of the case's        │
-- │ institution. Ids the caller cannot read are dropped, never recorded.     │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.log_case_reads(p_ids uuid[], p_endpoint text) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
  v_ids text[];
BEGIN
  IF p_endpoint IS NULL OR p_endpoint !~ '^[A-Z]{3,7} /[A-Za-z0-9_./{}-]{0,200}$' THEN
    RAISE EXCEPTION 'endpoint must be a method and a route template' USING ERRCODE = 'OX422';
  END IF;
  SELECT array_agg(n.id::text ORDER BY o.ord) INTO v_ids
    FROM unnest(p_ids) WITH ORDINALITY AS o(id, ord)
    JOIN public.medical_notes n ON n.id = o.id
   WHERE (n.user_id = v_user OR n.provider_user_id = v_user)
     AND n.institution_id = app.current_member_institution();
  IF v_ids IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM audit.append('READ', 'public.medical_notes', NULL, NULL, NULL,
                       jsonb_build_object('endpoint', p_endpoint, 'count', cardinality(v_ids),
                                          'row_ids', to_jsonb(v_ids)));
  RETURN cardinality(v_ids);
END
$$;

ALTER FUNCTION app.log_case_reads(uuid[], text) OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION app.log_case_reads(uuid[], text) TO oxkair_authenticated;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The data migration's per-table totals (`oxkair migrate run`).            │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION audit.log_migration(p_action text, p_table text, p_detail jsonb) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  IF p_action NOT IN ('MIGRATION', 'MIGRATION_ARCHIVE', 'MIGRATION_EXCLUDED') THEN
    RAISE EXCEPTION 'not a migration event: %', p_action USING ERRCODE = 'OX422';
  END IF;
  PERFORM audit.append(p_action, p_table, NULL, NULL, NULL, p_detail);
END
$$;

ALTER FUNCTION audit.log_migration(text, text, jsonb) OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION audit.log_migration(text, text, jsonb) TO oxkair_migrator;

-- The seed's tables and auth.users (password hashes never recorded); app.designations is
-- registered where it is made (0005). A table added later is registered by its migration.
DO $$
BEGIN
  PERFORM audit.install_row_change_trigger('auth.users', '{password_hash}');
  PERFORM audit.install_row_change_trigger('public.institutions');
  PERFORM audit.install_row_change_trigger('public.profiles');
  PERFORM audit.install_row_change_trigger('public.user_settings');
  PERFORM audit.install_row_change_trigger('public.medical_notes');
END
$$;

REVOKE CREATE ON SCHEMA app, audit, auth, public FROM oxkair_definer;