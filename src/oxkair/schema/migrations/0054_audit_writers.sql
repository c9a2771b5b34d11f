-- Audit entries cannot be forged (issue 12). Before: audit.append(action, table, row, old, new,
-- detail, db_role) and audit.log_access(table, row_ids, detail) were executable by the roles the
-- API acts as, so the API's login could write, say, an AUTH_PASSWORD_RESET by 'oxkair_owner'
-- that `oxkair audit verify` called intact. Now:
--   * audit.append is executable by no role but its owner (oxkair_definer); it derives the
--     acting role itself (audit.acting_role()), no caller names one;
--   * row changes are recorded by the generated triggers, now SECURITY DEFINER (a trigger
--     function cannot be called directly, only fired by a real change);
--   * the API's access log goes through app.log_case_reads(ids, endpoint): action fixed
--     ('READ'), table fixed, and only the ids of cases the caller can actually read are
--     recorded (the read policy's predicate, evaluated for auth.uid());
--   * the data migration writes its totals through audit.log_migration, granted to
--     oxkair_migrator only, with its three actions;
--   * `oxkair check` fails audit.writers if an API-reachable role can execute a writer.

GRANT CREATE ON SCHEMA app, audit TO oxkair_definer;

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
-- │ The one writer (0050's single statement), the role derived, not passed.  │
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

-- Auth events (0010): same entries, through the new writer.
CREATE OR REPLACE FUNCTION auth.log_event(p_action text, p_user_id uuid, p_detail jsonb) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT audit.append(p_action, 'auth.users', p_user_id::text, NULL, NULL,
                      coalesce(p_detail, '{}'::jsonb) || jsonb_build_object('user_id', p_user_id))
$$;

-- Emergency access (0005): each row read, by the break-glass role (its SET ROLE names it).
CREATE OR REPLACE FUNCTION app.log_break_glass_read(p_table text, p_row_id uuid) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  PERFORM audit.append('BREAK_GLASS_READ', 'public.medical_notes', p_row_id::text, NULL, NULL,
                       jsonb_build_object('reason', current_setting('oxkair.break_glass_reason', true)));
  RETURN true;
END
$$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The access log: one READ entry per response, for the cases it carries    │
-- │ that the caller can read. The predicate is the read policy's (0053):     │
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

-- The definer reads cases only for the access log's check above.
CREATE POLICY "Trusted functions read cases" ON public.medical_notes
  FOR SELECT TO oxkair_definer USING (true);
GRANT SELECT ON public.medical_notes TO oxkair_definer;

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

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Generated row-change triggers (0050/0051), now SECURITY DEFINER and      │
-- │ owned by oxkair_definer: the acting role comes from audit.append.        │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE OR REPLACE FUNCTION audit.row_change_function_source(p_table regclass, p_function text, p_never text[])
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
CREATE OR REPLACE FUNCTION audit.install_row_change_trigger(p_table regclass, p_never_recorded text[] DEFAULT '{}')
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

DO $$ BEGIN PERFORM audit.refresh_row_change_triggers(); END $$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The old writers go: the caller-chosen role, and the shared trigger of    │
-- │ 0005 that no table uses since 0050.                                      │
-- └──────────────────────────────────────────────────────────────────────────┘
DROP FUNCTION audit.log_access(text, text[], jsonb);
DROP FUNCTION audit.tg__row_change();
DROP FUNCTION audit.append(text, text, text, jsonb, jsonb, jsonb, text);

-- The API's roles need nothing in the audit schema any more.
REVOKE USAGE ON SCHEMA audit FROM oxkair_authenticated, oxkair_anon;

REVOKE CREATE ON SCHEMA app, audit FROM oxkair_definer;
