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

ALTER FUNCTION audit.entry_hash(bytea, smallint, bigint, timestamptz, xid8, uuid, text, text, inet, text,
                                text, text, jsonb, jsonb, jsonb)
  STABLE RESET search_path;

-- Same entries, same hashes, one statement instead of two: the lane's head advances and the entry
-- is written by one executor run (each statement a plpgsql function runs costs about as much as
-- the work it does here). Concurrency is unchanged: the UPDATE's row lock orders the lane until
-- the transaction ends, and a waiting append re-reads the head its SET expressions use.
CREATE OR REPLACE FUNCTION audit.append(
  p_action text, p_table text, p_row_id text, p_old jsonb, p_new jsonb, p_detail jsonb,
  p_db_role text
) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_lane smallint := (pg_catalog.pg_backend_pid() % 8)::smallint;
  v_at timestamptz := pg_catalog.clock_timestamp();
  v_txid xid8 := pg_catalog.pg_current_xact_id();
  v_actor uuid := auth.uid();
  v_client inet := coalesce(nullif(pg_catalog.current_setting('request.client_addr', true), '')::inet,
                            pg_catalog.inet_client_addr());
BEGIN
  WITH head AS (
    UPDATE audit.chain_head h
       SET seq = h.seq + 1,
           prev_hash = h.hash,
           hash = audit.entry_hash(h.hash, v_lane, h.seq + 1, v_at, v_txid, v_actor, p_db_role,
                                   session_user, v_client, p_action, p_table, p_row_id, p_old, p_new,
                                   p_detail)
     WHERE h.lane = v_lane
    RETURNING h.seq, h.prev_hash, h.hash
  )
  INSERT INTO audit.log (lane, seq, at, txid, actor_user_id, db_role, session_role, client_addr,
                         action, table_name, row_id, old_values, new_values, detail, prev_hash, hash)
  SELECT v_lane, head.seq, v_at, v_txid, v_actor, p_db_role, session_user, v_client,
         p_action, p_table, p_row_id, p_old, p_new, p_detail, head.prev_hash, head.hash
    FROM head;
END
$$;

CREATE TABLE audit.row_change_trigger (
  table_name text PRIMARY KEY,                 -- schema-qualified, e.g. public.medical_notes
  never_recorded text[] NOT NULL DEFAULT '{}', -- columns never compared nor written (password hashes)
  columns text[] NOT NULL,                     -- the columns the generated function compares
  function_name text NOT NULL,                 -- audit.<function_name>()
  generated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON audit.row_change_trigger TO oxkair_auditor;

-- The body of one table's trigger function. Why generated, not generic: see the top of the file.
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
      -- Types with an equality operator (varchar through text's) compare as values; the few
      -- without one (json, xml, point...) by their jsonb form, as the shared trigger did.
      EXECUTE format('SELECT NULL::%s IS DISTINCT FROM NULL::%s', v_type, v_type);
      v_test := format('NEW.%1$I IS DISTINCT FROM OLD.%1$I', a.attname);
    EXCEPTION WHEN undefined_function THEN
      v_test := format('pg_catalog.to_jsonb(NEW.%1$I) IS DISTINCT FROM pg_catalog.to_jsonb(OLD.%1$I)',
                       a.attname);
    END;
    -- One small IF per column measured cheaper than one big expression or whole-row jsonb:
    -- plpgsql compiles each expression once per transaction, and an unchanged 6 KB note is
    -- then only compared, never converted.
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
  LANGUAGE plpgsql
  SET search_path = ''
AS $body$
-- Generated by audit.install_row_change_trigger(%2$L): do not edit; regenerated on every upgrade.
-- Not SECURITY DEFINER, so current_user is the role that made the change.
DECLARE
  v_old jsonb := '{}';
  v_new jsonb := '{}';
BEGIN
  -- The data migration records per-table totals instead of one entry per copied row.
  IF pg_catalog.current_setting('oxkair.bulk_load', true) = 'on'
     AND pg_catalog.pg_has_role(current_user, 'oxkair_migrator', 'MEMBER') THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN%3$s
    IF v_old = '{}'::jsonb THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
    PERFORM audit.append('UPDATE', %2$L, %4$s, v_old, v_new, NULL, current_user::text);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM audit.append('INSERT', %2$L, %5$s, NULL, pg_catalog.to_jsonb(NEW) - %6$L::text[], NULL,
                         current_user::text);
  ELSE
    PERFORM audit.append('DELETE', %2$L, %4$s, pg_catalog.to_jsonb(OLD) - %6$L::text[], NULL, NULL,
                         current_user::text);
  END IF;
  RETURN NULL;
END
$body$
$f$,
    p_function, p_table::text, v_compare,
    CASE WHEN v_has_id THEN 'OLD.id::text' ELSE 'NULL' END,
    CASE WHEN v_has_id THEN 'NEW.id::text' ELSE 'NULL' END,
    p_never);
END
$gen$;

-- (Re)generate one table's row-change trigger and register it. Run as the tables' owner.
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
  EXECUTE audit.row_change_function_source(p_table, v_function, p_never_recorded);
  EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %s'
                 ' FOR EACH ROW EXECUTE FUNCTION audit.%I()', 'tg_' || v_rel || '__audit', p_table, v_function);
  INSERT INTO audit.row_change_trigger AS r (table_name, never_recorded, columns, function_name)
  SELECT p_table::text, p_never_recorded, array_agg(attname::text ORDER BY attnum), v_function
    FROM pg_catalog.pg_attribute
   WHERE attrelid = p_table AND attnum > 0 AND NOT attisdropped AND attname <> ALL (p_never_recorded)
  ON CONFLICT (table_name) DO UPDATE
    SET never_recorded = excluded.never_recorded, columns = excluded.columns,
        function_name = excluded.function_name, generated_at = now();
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

-- The five tables of 0005, same trigger names, same exclusions; the shared audit.tg__row_change
-- stays for any table a later migration wants audited without generation.
DO $$
BEGIN
  PERFORM audit.install_row_change_trigger('auth.users', '{password_hash}');
  PERFORM audit.install_row_change_trigger('public.institutions');
  PERFORM audit.install_row_change_trigger('public.profiles');
  PERFORM audit.install_row_change_trigger('public.user_settings');
  PERFORM audit.install_row_change_trigger('public.medical_notes');
END
$$;
