-- The current schema of oxkair, as `oxkair db upgrade` builds it: GENERATED, do not edit.
-- Regenerate after changing a migration: .venv/bin/oxkair db schema > docs/schema.sql
-- (tests/test_schema_file.py fails until you do). Why each object exists: docs/schema.md and the
-- migration that made it (src/oxkair/schema/migrations/).

-- ┌─ Row-level security policies (table · policy · command · roles) ─────────
-- │ app.designations · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ app.designations · Trusted functions manage designations · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ app.idempotency_keys · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ app.idempotency_keys · Trusted functions manage idempotency keys · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ app.institution_hours · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ app.institution_hours · Trusted functions manage working hours · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ app.institution_suffixes · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ app.institution_suffixes · The data migration adds the suffixes of the institutions it loa · INSERT · oxkair_migrator
-- │     WITH CHECK true
-- │ app.institution_suffixes · The data migration sees the suffixes it adds · SELECT · oxkair_migrator
-- │     USING true
-- │ app.institution_suffixes · Trusted functions read institution suffixes · SELECT · oxkair_definer
-- │     USING true
-- │ app.institution_words · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ app.institution_words · The data migration adds the words of the institutions it loads · INSERT · oxkair_migrator
-- │     WITH CHECK true
-- │ app.institution_words · The data migration sees the words it adds · SELECT · oxkair_migrator
-- │     USING true
-- │ app.institution_words · Trusted functions read institution words · SELECT · oxkair_definer
-- │     USING true
-- │ auth.email_changes · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.email_changes · Trusted functions manage email changes · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ auth.login_failures · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.login_failures · Trusted functions manage login failures · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ auth.mfa_factors · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.mfa_factors · Trusted functions manage mfa factors · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ auth.one_time_tokens · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.one_time_tokens · Trusted functions manage one time tokens · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ auth.outbox · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.outbox · Trusted functions manage outbox · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ auth.rate_limits · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.rate_limits · Trusted functions manage rate limits · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ auth.recovery_codes · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.recovery_codes · Trusted functions manage recovery codes · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ auth.refresh_tokens · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.refresh_tokens · Trusted functions manage refresh tokens · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ auth.sessions · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.sessions · Trusted functions manage sessions · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ auth.users · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ auth.users · The data migration loads users · INSERT · oxkair_migrator
-- │     WITH CHECK (migrated_from = 'supabase'::text)
-- │ auth.users · The data migration reads users back to verify them · SELECT · oxkair_migrator
-- │     USING true
-- │ auth.users · Trusted functions manage users · ALL · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ migration.chunks · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ migration.chunks · The data migration keeps its own state · ALL · oxkair_migrator
-- │     USING true
-- │     WITH CHECK true
-- │ migration.flags · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ migration.flags · The data migration keeps its own state · ALL · oxkair_migrator
-- │     USING true
-- │     WITH CHECK true
-- │ migration.identities · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ migration.identities · The data migration keeps its own state · ALL · oxkair_migrator
-- │     USING true
-- │     WITH CHECK true
-- │ migration.quarantine · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ migration.quarantine · The data migration keeps its own state · ALL · oxkair_migrator
-- │     USING true
-- │     WITH CHECK true
-- │ migration.run_log · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ migration.run_log · The data migration keeps its own state · ALL · oxkair_migrator
-- │     USING true
-- │     WITH CHECK true
-- │ migration.suspended_foreign_keys · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ migration.suspended_foreign_keys · The data migration reads which foreign keys it suspended · SELECT · oxkair_migrator
-- │     USING true
-- │ migration.suspended_indexes · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ migration.suspended_indexes · The data migration reads which indexes it suspended · SELECT · oxkair_migrator
-- │     USING true
-- │ migration.table_state · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ migration.table_state · The data migration keeps its own state · ALL · oxkair_migrator
-- │     USING true
-- │     WITH CHECK true
-- │ public.institutions · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ public.institutions · The data migration loads institutions · INSERT · oxkair_migrator
-- │     WITH CHECK true
-- │ public.institutions · The data migration reads institutions back to verify them · SELECT · oxkair_migrator
-- │     USING true
-- │ public.institutions · Trusted functions read institutions · SELECT · oxkair_definer
-- │     USING true
-- │ public.institutions · Users read their own institution · SELECT · oxkair_authenticated
-- │     USING (id = ( SELECT app.current_institution_id() AS current_institution_id))
-- │ public.medical_notes · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ public.medical_notes · Emergency access reads every case, each read audited · SELECT · oxkair_break_glass
-- │     USING app.log_break_glass_read('public.medical_notes'::text, id)
-- │ public.medical_notes · The data migration loads cases · INSERT · oxkair_migrator
-- │     WITH CHECK true
-- │ public.medical_notes · The data migration reads cases back to verify them · SELECT · oxkair_migrator
-- │     USING true
-- │ public.medical_notes · Trusted functions read cases · SELECT · oxkair_definer
-- │     USING true
-- │ public.medical_notes · Verified assigned providers edit cases under their review · UPDATE · oxkair_authenticated
-- │     USING ((provider_user_id = ( SELECT auth.uid() AS uid)) AND (status = 'PENDING_PROVIDER_REVIEW'::text) AND (institution_id = ( SELECT app.current_member_institution() AS current_member_institution)))
-- │     WITH CHECK (provider_user_id = ( SELECT auth.uid() AS uid))
-- │ public.medical_notes · Verified coders create cases of their own institution · INSERT · oxkair_authenticated
-- │     WITH CHECK ((user_id = ( SELECT auth.uid() AS uid)) AND (institution_id = ( SELECT app.current_member_institution() AS current_member_institution)) AND (( SELECT app.current_user_category() AS current_user_category) = 'Medical Coder'::text) AND (COALESCE(status, 'INCOMPLETE'::text) = ANY (ARRAY['INCOMPLETE'::text, 'PENDING_CODER_REVIEW'::text])))
-- │ public.medical_notes · Verified creators edit their cases until provider review · UPDATE · oxkair_authenticated
-- │     USING ((user_id = ( SELECT auth.uid() AS uid)) AND (status = ANY (ARRAY['INCOMPLETE'::text, 'PENDING_CODER_REVIEW'::text])) AND (institution_id = ( SELECT app.current_member_institution() AS current_member_institution)))
-- │     WITH CHECK (user_id = ( SELECT auth.uid() AS uid))
-- │ public.medical_notes · Verified members read the cases they created or are assigned · SELECT · oxkair_authenticated
-- │     USING (((user_id = ( SELECT auth.uid() AS uid)) OR (provider_user_id = ( SELECT auth.uid() AS uid))) AND (institution_id = ( SELECT app.current_member_institution() AS current_member_institution)))
-- │ public.profiles · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ public.profiles · The data migration loads profiles · INSERT · oxkair_migrator
-- │     WITH CHECK true
-- │ public.profiles · The data migration reads profiles back to verify them · SELECT · oxkair_migrator
-- │     USING true
-- │ public.profiles · Trusted functions create profiles · INSERT · oxkair_definer
-- │     WITH CHECK true
-- │ public.profiles · Trusted functions read profiles · SELECT · oxkair_definer
-- │     USING true
-- │ public.profiles · Trusted functions record membership decisions · UPDATE · oxkair_definer
-- │     USING true
-- │     WITH CHECK true
-- │ public.profiles · Users read their own profile · SELECT · oxkair_authenticated
-- │     USING (id = ( SELECT auth.uid() AS uid))
-- │ public.profiles · Users update their own profile · UPDATE · oxkair_authenticated
-- │     USING (id = ( SELECT auth.uid() AS uid))
-- │     WITH CHECK (id = ( SELECT auth.uid() AS uid))
-- │ public.user_settings · Backups read every row · SELECT · oxkair_backup
-- │     USING true
-- │ public.user_settings · The data migration loads user settings · INSERT · oxkair_migrator
-- │     WITH CHECK true
-- │ public.user_settings · The data migration reads user settings back to verify them · SELECT · oxkair_migrator
-- │     USING true
-- │ public.user_settings · Trusted functions create settings · INSERT · oxkair_definer
-- │     WITH CHECK true
-- │ public.user_settings · Trusted functions read settings · SELECT · oxkair_definer
-- │     USING true
-- │ public.user_settings · Users create their own settings · INSERT · oxkair_authenticated
-- │     WITH CHECK (id = ( SELECT auth.uid() AS uid))
-- │ public.user_settings · Users read their own settings · SELECT · oxkair_authenticated
-- │     USING (id = ( SELECT auth.uid() AS uid))
-- │ public.user_settings · Users update their own settings · UPDATE · oxkair_authenticated
-- │     USING (id = ( SELECT auth.uid() AS uid))
-- │     WITH CHECK (id = ( SELECT auth.uid() AS uid))
-- └──────────────────────────────────────────────────────────────────────────

--
-- PostgreSQL database dump
--

--
-- Name: app; Type: SCHEMA; Schema: -; Owner: oxkair_owner
--

CREATE SCHEMA app;

ALTER SCHEMA app OWNER TO oxkair_owner;

--
-- Name: audit; Type: SCHEMA; Schema: -; Owner: oxkair_owner
--

CREATE SCHEMA audit;

ALTER SCHEMA audit OWNER TO oxkair_owner;

--
-- Name: auth; Type: SCHEMA; Schema: -; Owner: oxkair_owner
--

CREATE SCHEMA auth;

ALTER SCHEMA auth OWNER TO oxkair_owner;

--
-- Name: extensions; Type: SCHEMA; Schema: -; Owner: oxkair_owner
--

CREATE SCHEMA extensions;

ALTER SCHEMA extensions OWNER TO oxkair_owner;

--
-- Name: migration; Type: SCHEMA; Schema: -; Owner: oxkair_owner
--

CREATE SCHEMA migration;

ALTER SCHEMA migration OWNER TO oxkair_owner;

--
-- Name: migration_stage; Type: SCHEMA; Schema: -; Owner: oxkair_owner
--

CREATE SCHEMA migration_stage;

ALTER SCHEMA migration_stage OWNER TO oxkair_owner;

--
-- Name: oxkair_meta; Type: SCHEMA; Schema: -; Owner: oxkair_owner
--

CREATE SCHEMA oxkair_meta;

ALTER SCHEMA oxkair_meta OWNER TO oxkair_owner;

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA extensions;

--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';

--
-- Name: pgaudit; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgaudit WITH SCHEMA public;

--
-- Name: EXTENSION pgaudit; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION pgaudit IS 'provides auditing functionality';

--
-- Name: unaccent; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA extensions;

--
-- Name: EXTENSION unaccent; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION unaccent IS 'text search dictionary that removes accents';

--
-- Name: audit_entry_cases(text, text, text, jsonb); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.audit_entry_cases(p_kind text, p_relation text, p_row text, p_info jsonb) RETURNS SETOF uuid
    LANGUAGE sql IMMUTABLE
    AS $$
  SELECT r.id::uuid
    FROM pg_catalog.jsonb_array_elements_text(CASE WHEN p_kind = 'READ' AND p_relation = 'public.medical_notes'
                                                   THEN p_info -> 'row_ids' END) AS r(id)
  UNION ALL
  SELECT CASE WHEN p_relation = 'public.medical_notes' THEN p_row::uuid END
   WHERE p_kind <> 'READ' OR p_relation IS DISTINCT FROM 'public.medical_notes'
$$;

ALTER FUNCTION app.audit_entry_cases(p_kind text, p_relation text, p_row text, p_info jsonb) OWNER TO oxkair_definer;

--
-- Name: audit_last_verification(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.audit_last_verification() RETURNS TABLE(verified_at timestamp with time zone, entries bigint, problems integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT v.at, v.entries, v.problems
    FROM audit.verification_run v
   WHERE (SELECT s.reviewer FROM app.audit_review_scope(NULL) s) IS NOT NULL
   ORDER BY v.at DESC
   LIMIT 1
$$;

ALTER FUNCTION app.audit_last_verification() OWNER TO oxkair_definer;

--
-- Name: audit_report(text, text, text, uuid, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.audit_report(p_mrn text, p_case_number text, p_user_email text, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(at timestamp with time zone, lane smallint, seq bigint, user_id uuid, user_name text, user_email text, user_category text, user_institution text, db_role text, login text, what text, fields text[], status_from text, status_to text, case_id uuid, case_number text, mrn text, case_institution text, client_addr inet, session_id text, endpoint text, flags text[], intact boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
#variable_conflict use_column
DECLARE
  v_reviewer text;
  v_institution uuid;
  v_mrn text := nullif(btrim(p_mrn), '');
  v_case text := nullif(btrim(p_case_number), '');
  v_email text := nullif(btrim(p_user_email), '');
  v_user uuid;
  v_count bigint;
BEGIN
  SELECT s.reviewer, s.institution_id INTO v_reviewer, v_institution FROM app.audit_review_scope(p_institution) s;
  IF v_mrn IS NULL AND v_case IS NULL AND v_email IS NULL AND p_from IS NULL THEN
    RAISE EXCEPTION 'name a patient (MRN), a case or a user, or give the period''s start'
      USING ERRCODE = 'OX422';
  END IF;
  IF coalesce(p_from, '-infinity') >= coalesce(p_to, 'infinity') THEN
    RAISE EXCEPTION 'the period ends before it starts' USING ERRCODE = 'OX422';
  END IF;
  IF v_email IS NOT NULL THEN
    SELECT u.id INTO v_user
      FROM auth.users u LEFT JOIN public.profiles p ON p.id = u.id
     WHERE lower(u.email) = lower(v_email)
       AND (v_institution IS NULL OR p.institution_id = v_institution);
    IF v_user IS NULL THEN
      RAISE EXCEPTION 'no such user in the institutions you review' USING ERRCODE = 'OX404';
    END IF;
  END IF;
  RETURN QUERY SELECT * FROM app.audit_report_entries(v_mrn, v_case, v_user, v_institution,
                                                      coalesce(p_from, '-infinity'), coalesce(p_to, 'infinity'));
  GET DIAGNOSTICS v_count = ROW_COUNT;
  PERFORM audit.append('AUDIT_REPORT', NULL, NULL, NULL, NULL, pg_catalog.jsonb_strip_nulls(
    pg_catalog.jsonb_build_object('reviewer', v_reviewer, 'institution_id', v_institution, 'mrn', v_mrn,
                                  'case_number', v_case, 'user', v_email, 'from', p_from, 'to', p_to,
                                  'entries', v_count)));
END
$$;

ALTER FUNCTION app.audit_report(p_mrn text, p_case_number text, p_user_email text, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO oxkair_definer;

--
-- Name: audit_report_entries(text, text, uuid, uuid, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.audit_report_entries(p_mrn text, p_case_number text, p_user uuid, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(at timestamp with time zone, lane smallint, seq bigint, user_id uuid, user_name text, user_email text, user_category text, user_institution text, db_role text, login text, what text, fields text[], status_from text, status_to text, case_id uuid, case_number text, mrn text, case_institution text, client_addr inet, session_id text, endpoint text, flags text[], intact boolean)
    LANGUAGE sql STABLE
    SET search_path TO ''
    SET "TimeZone" TO 'UTC'
    SET jit TO 'off'
    AS $$
  -- A SQL function's statements are planned once for any parameters (a generic plan): each way
  -- in is its own branch, so that each one's index condition holds whatever the other parameters.
  WITH cases AS (
    SELECT n.id FROM public.medical_notes n
     WHERE p_mrn IS NOT NULL AND n.mrn = p_mrn
       AND (p_case_number IS NULL OR n.case_number = p_case_number)
       AND (p_institution IS NULL OR n.institution_id = p_institution)
    UNION ALL
    SELECT n.id FROM public.medical_notes n
     WHERE p_mrn IS NULL AND p_case_number IS NOT NULL AND n.case_number = p_case_number
       AND (p_institution IS NULL OR n.institution_id = p_institution)
  ), hits AS (
    -- A case's own entries: created, changed, moved, deleted, break-glass reads, denied attempts.
    SELECT l AS e, c.id AS case_id
      FROM cases c JOIN audit.log l ON l.table_name = 'public.medical_notes' AND l.row_id = c.id::text
     WHERE l.at >= p_from AND l.at < p_to AND (p_user IS NULL OR l.actor_user_id = p_user)
    UNION ALL
    -- Its reads: the access log lists the case ids of a response in detail.row_ids.
    SELECT l, c.id
      FROM cases c
      JOIN audit.log l ON l.action = 'READ'
                      AND (l.detail -> 'row_ids') @> pg_catalog.jsonb_build_array(c.id::text)
     WHERE l.at >= p_from AND l.at < p_to AND (p_user IS NULL OR l.actor_user_id = p_user)
    UNION ALL
    -- A user's entries: a READ once per case it carried; other entries once, with their case
    -- when they are about one.
    SELECT l, x.case_id
      FROM audit.log l
     CROSS JOIN LATERAL app.audit_entry_cases(l.action, l.table_name, l.row_id, l.detail) AS x(case_id)
     WHERE p_mrn IS NULL AND p_case_number IS NULL AND p_user IS NOT NULL
       AND l.actor_user_id = p_user AND l.at >= p_from AND l.at < p_to
    UNION ALL
    -- No case and no user: the period's case entries.
    SELECT l, x.case_id
      FROM audit.log l
     CROSS JOIN LATERAL app.audit_entry_cases(l.action, l.table_name, l.row_id, l.detail) AS x(case_id)
     WHERE p_mrn IS NULL AND p_case_number IS NULL AND p_user IS NULL
       AND l.table_name = 'public.medical_notes' AND l.at >= p_from AND l.at < p_to
  ), rows AS (
    SELECT h.e, h.case_id, n.case_number, n.mrn, n.institution_id AS case_inst, n.user_id AS creator,
           n.provider_user_id, p.name, u.email, p.user_category, p.institution_id AS actor_inst,
           ai.name AS actor_inst_name, ci.name AS case_inst_name,
           CASE (h.e).action
             WHEN 'READ' THEN 'read'
             WHEN 'INSERT' THEN CASE WHEN (h.e).table_name = 'public.medical_notes' THEN 'create' ELSE 'change' END
             WHEN 'UPDATE' THEN CASE WHEN (h.e).table_name = 'public.medical_notes' AND (h.e).new_values ? 'status'
                                     THEN 'transition' ELSE 'change' END
             WHEN 'DELETE' THEN CASE WHEN (h.e).table_name = 'public.medical_notes' THEN 'delete' ELSE 'change' END
             WHEN 'BREAK_GLASS_READ' THEN 'break-glass'
             WHEN 'CASE_DENIED' THEN 'denied'
             WHEN 'AUDIT_REPORT' THEN 'export'
             WHEN 'AUDIT_EXPORT' THEN 'export'
             ELSE pg_catalog.lower((h.e).action)
           END AS what
      FROM hits h
      LEFT JOIN public.medical_notes n ON n.id = h.case_id
      LEFT JOIN public.profiles p ON p.id = (h.e).actor_user_id
      LEFT JOIN auth.users u ON u.id = (h.e).actor_user_id
      LEFT JOIN public.institutions ai ON ai.id = p.institution_id
      LEFT JOIN public.institutions ci ON ci.id = n.institution_id
     WHERE p_institution IS NULL OR n.institution_id = p_institution
        OR (h.case_id IS NULL AND p.institution_id = p_institution)
  ), days AS (
    SELECT DISTINCT (r.e).actor_user_id AS actor, pg_catalog.date_trunc('day', (r.e).at) AS day
      FROM rows r WHERE r.what = 'read' AND (r.e).actor_user_id IS NOT NULL
  ), heavy AS MATERIALIZED (
    -- Volume: the cases a user read that (UTC) day against the 28 days before it.
    SELECT d.actor, d.day
      FROM days d
     CROSS JOIN LATERAL (
       SELECT coalesce(sum(pg_catalog.jsonb_array_length(l.detail -> 'row_ids')) FILTER (WHERE l.at >= d.day), 0)
                AS today,
              coalesce(sum(pg_catalog.jsonb_array_length(l.detail -> 'row_ids')) FILTER (WHERE l.at < d.day), 0)
                AS before
         FROM audit.log l
        WHERE l.actor_user_id = d.actor AND l.action = 'READ'
          AND l.at >= d.day - interval '28 days' AND l.at < d.day + interval '1 day') s
     WHERE s.today > greatest(50, 3 * s.before / 28.0)
  )
  SELECT (r.e).at, (r.e).lane, (r.e).seq,
         (r.e).actor_user_id, r.name, r.email, r.user_category, r.actor_inst_name,
         (r.e).db_role, (r.e).session_role,
         r.what,
         CASE WHEN (r.e).action = 'UPDATE' THEN
           ARRAY(SELECT k FROM pg_catalog.jsonb_object_keys((r.e).new_values) AS k
                  WHERE k <> 'updated_at' ORDER BY k) END,
         CASE WHEN r.what = 'transition' THEN (r.e).old_values ->> 'status' END,
         CASE WHEN r.what = 'transition' THEN (r.e).new_values ->> 'status' END,
         r.case_id, r.case_number, r.mrn, r.case_inst_name,
         (r.e).client_addr, (r.e).detail ->> 'session_id', (r.e).detail ->> 'endpoint',
         ARRAY(SELECT v.flag FROM (VALUES
           ('outside-assignment',
            r.what IN ('read', 'break-glass') AND (r.e).actor_user_id IS NOT NULL AND r.creator IS NOT NULL
            AND (r.e).actor_user_id <> r.creator
            AND (r.e).actor_user_id IS DISTINCT FROM CASE WHEN pa.known THEN pa.provider ELSE r.provider_user_id END),
           ('out-of-hours',
            r.what IN ('read', 'break-glass') AND (
              (((r.e).at AT TIME ZONE coalesce(wh.time_zone, 'UTC'))::time < coalesce(wh.day_starts, '07:00'))
              OR (((r.e).at AT TIME ZONE coalesce(wh.time_zone, 'UTC'))::time >= coalesce(wh.day_ends, '19:00'))
              OR (coalesce(wh.weekends_out_of_hours, true)
                  AND extract(isodow FROM (r.e).at AT TIME ZONE coalesce(wh.time_zone, 'UTC')) >= 6))),
           ('volume', r.what = 'read' AND hv.actor IS NOT NULL),
           ('denied', r.what = 'denied'),
           ('break-glass', r.what = 'break-glass'),
           ('export', r.what = 'export')) AS v(flag, hit)
           WHERE v.hit),
         audit.entry_hash((r.e).prev_hash, (r.e).lane, (r.e).seq, (r.e).at, (r.e).txid, (r.e).actor_user_id,
                          (r.e).db_role, (r.e).session_role, (r.e).client_addr, (r.e).action, (r.e).table_name,
                          (r.e).row_id, (r.e).old_values, (r.e).new_values, (r.e).detail) = (r.e).hash
    FROM rows r
    -- Who was the case's provider when it was read: the last recorded assignment before the read
    -- (the case's current provider when the trail has none, e.g. a case migrated in bulk).
    LEFT JOIN LATERAL (
      SELECT (x.new_values ->> 'provider_user_id')::uuid AS provider, true AS known
        FROM audit.log x
       WHERE x.table_name = 'public.medical_notes' AND x.row_id = r.case_id::text
         AND x.action IN ('INSERT', 'UPDATE') AND x.new_values ? 'provider_user_id' AND x.at <= (r.e).at
       ORDER BY x.at DESC, x.seq DESC
       LIMIT 1) pa ON r.what IN ('read', 'break-glass') AND r.case_id IS NOT NULL
                  AND (r.e).actor_user_id IS DISTINCT FROM r.creator
    LEFT JOIN app.institution_hours wh ON wh.institution_id = coalesce(r.case_inst, r.actor_inst)
    LEFT JOIN heavy hv ON hv.actor = (r.e).actor_user_id AND hv.day = pg_catalog.date_trunc('day', (r.e).at)
   ORDER BY 1, 2, 3, r.case_number
$$;

ALTER FUNCTION app.audit_report_entries(p_mrn text, p_case_number text, p_user uuid, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO oxkair_definer;

--
-- Name: audit_review_scope(uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.audit_review_scope(p_institution uuid, OUT reviewer text, OUT institution_id uuid) RETURNS record
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_member uuid := app.current_member_institution();
BEGIN
  IF auth.uid() IS NULL AND pg_catalog.pg_has_role(audit.acting_role(), 'oxkair_auditor', 'MEMBER') THEN
    reviewer := 'auditor'; institution_id := p_institution;
  ELSIF auth.uid() IS NOT NULL AND app.has_designation('global_auditor', NULL) THEN
    reviewer := 'global_auditor'; institution_id := p_institution;
  ELSIF v_member IS NOT NULL AND app.has_designation('privacy_officer', v_member) THEN
    IF p_institution IS NOT NULL AND p_institution <> v_member THEN
      RAISE EXCEPTION 'a privacy officer reviews their own institution only' USING ERRCODE = 'OX403';
    END IF;
    reviewer := 'privacy_officer'; institution_id := v_member;
  ELSE
    RAISE EXCEPTION 'only a privacy officer or an auditor may run access reports' USING ERRCODE = 'OX403';
  END IF;
END
$$;

ALTER FUNCTION app.audit_review_scope(p_institution uuid, OUT reviewer text, OUT institution_id uuid) OWNER TO oxkair_definer;

--
-- Name: case_insert_rule_broken(text, uuid, uuid, uuid, text, uuid, text, text); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.case_insert_rule_broken(p_creator_status text, p_creator_institution uuid, p_institution uuid, p_provider uuid, p_provider_category text, p_provider_institution uuid, p_provider_status text, p_status text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT CASE
    WHEN p_creator_status IS DISTINCT FROM 'verified' THEN 'medical_notes_creator_verified'
    WHEN p_institution IS DISTINCT FROM p_creator_institution THEN 'medical_notes_institution_is_creators'
    WHEN p_provider IS NOT NULL
         AND NOT coalesce(p_provider_category = 'Provider' AND p_provider_institution = p_institution
                          AND p_provider_status = 'verified', false)
      THEN 'medical_notes_provider_in_institution'
    WHEN p_status = 'PENDING_PROVIDER_REVIEW' AND p_provider IS NULL THEN 'medical_notes_provider_required'
  END
$$;

ALTER FUNCTION app.case_insert_rule_broken(p_creator_status text, p_creator_institution uuid, p_institution uuid, p_provider uuid, p_provider_category text, p_provider_institution uuid, p_provider_status text, p_status text) OWNER TO oxkair_owner;

--
-- Name: claim_idempotency_key(text, text, bytea); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.claim_idempotency_key(p_key text, p_endpoint text, p_request_sha256 bytea) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION app.claim_idempotency_key(p_key text, p_endpoint text, p_request_sha256 bytea) OWNER TO oxkair_definer;

--
-- Name: correct_word(text, boolean); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.correct_word(p_word text, p_prefix boolean) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    SET "pg_trgm.similarity_threshold" TO '0.4'
    AS $_$
  SELECT coalesce(
    (SELECT p_word WHERE p_word ~ '^[0-9]+$' OR length(p_word) < 3
        OR EXISTS (SELECT FROM app.institution_words v WHERE v.word = p_word)
        OR (p_prefix AND EXISTS (
              SELECT FROM app.institution_words v
               WHERE (v.word COLLATE "C") >= (p_word COLLATE "C")
                 AND (v.word COLLATE "C") < ((p_word || chr(1114111)) COLLATE "C")))),
    (SELECT v.word FROM app.institution_words v
      WHERE v.word OPERATOR(extensions.%) p_word
      ORDER BY extensions.similarity(v.word, p_word) DESC, v.word LIMIT 1),
    p_word)
$_$;

ALTER FUNCTION app.correct_word(p_word text, p_prefix boolean) OWNER TO oxkair_definer;

--
-- Name: current_admin_institution(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.current_admin_institution() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT d.institution_id FROM app.designations d
   WHERE d.user_id = (SELECT auth.uid()) AND d.designation = 'institution_admin'
     AND d.institution_id = (SELECT app.current_member_institution())
$$;

ALTER FUNCTION app.current_admin_institution() OWNER TO oxkair_definer;

--
-- Name: current_institution_id(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.current_institution_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT p.institution_id FROM public.profiles p WHERE p.id = (SELECT auth.uid())
$$;

ALTER FUNCTION app.current_institution_id() OWNER TO oxkair_definer;

--
-- Name: current_member_institution(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.current_member_institution() RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
BEGIN
  RETURN (SELECT p.institution_id FROM public.profiles p
           WHERE p.id = auth.uid() AND p.verification_status = 'verified');
END
$$;

ALTER FUNCTION app.current_member_institution() OWNER TO oxkair_definer;

--
-- Name: current_user_category(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.current_user_category() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT p.user_category FROM public.profiles p WHERE p.id = (SELECT auth.uid())
$$;

ALTER FUNCTION app.current_user_category() OWNER TO oxkair_definer;

--
-- Name: email_domain_verifies(uuid, uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.email_domain_verifies(p_user uuid, p_institution uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
  SELECT EXISTS (
    SELECT FROM auth.users u
      JOIN public.institutions i ON i.id = p_institution
      CROSS JOIN LATERAL unnest(i.email_domains) AS d(domain)
      CROSS JOIN LATERAL (SELECT lower(substring(u.email FROM '@([^@]+)$')) AS host,
                                 lower(ltrim(btrim(d.domain), '@')) AS dom) x
     WHERE u.id = p_user AND u.email_confirmed_at IS NOT NULL AND x.dom <> ''
       AND (x.host = x.dom OR right(x.host, length(x.dom) + 1) = '.' || x.dom)
  )
$_$;

ALTER FUNCTION app.email_domain_verifies(p_user uuid, p_institution uuid) OWNER TO oxkair_definer;

--
-- Name: has_designation(text, uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.has_designation(p_designation text, p_institution uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT EXISTS (
    SELECT FROM app.designations d
     WHERE d.user_id = (SELECT auth.uid()) AND d.designation = p_designation
       AND d.institution_id IS NOT DISTINCT FROM p_institution
       AND (d.institution_id IS NULL OR d.institution_id = (SELECT app.current_member_institution())))
$$;

ALTER FUNCTION app.has_designation(p_designation text, p_institution uuid) OWNER TO oxkair_definer;

--
-- Name: institution_admins(uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.institution_admins(p_institution uuid) RETURNS TABLE(email text, name text, granted_at timestamp with time zone, granted_by_email text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT u.email, p.name, d.granted_at, g.email
    FROM app.designations d
    JOIN auth.users u ON u.id = d.user_id
    LEFT JOIN public.profiles p ON p.id = d.user_id
    LEFT JOIN auth.users g ON g.id = d.granted_by
   WHERE d.designation = 'institution_admin' AND d.institution_id = p_institution
   ORDER BY d.granted_at, u.email
$$;

ALTER FUNCTION app.institution_admins(p_institution uuid) OWNER TO oxkair_definer;

--
-- Name: institution_hours_of(uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.institution_hours_of(p_institution uuid) RETURNS TABLE(time_zone text, day_starts time without time zone, day_ends time without time zone, weekends_out_of_hours boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT coalesce(h.time_zone, 'UTC'), coalesce(h.day_starts, '07:00'), coalesce(h.day_ends, '19:00'),
         coalesce(h.weekends_out_of_hours, true)
    FROM (SELECT p_institution AS id) i LEFT JOIN app.institution_hours h ON h.institution_id = i.id
$$;

ALTER FUNCTION app.institution_hours_of(p_institution uuid) OWNER TO oxkair_definer;

--
-- Name: is_audit_reviewer(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.is_audit_reviewer() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT app.has_designation('global_auditor', NULL)
      OR app.has_designation('privacy_officer', (SELECT app.current_member_institution()))
$$;

ALTER FUNCTION app.is_audit_reviewer() OWNER TO oxkair_definer;

--
-- Name: log_break_glass_read(text, uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.log_break_glass_read(p_table text, p_row_id uuid) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  PERFORM audit.append('BREAK_GLASS_READ', 'public.medical_notes', p_row_id::text, NULL, NULL,
                       jsonb_build_object('reason', current_setting('oxkair.break_glass_reason', true)));
  RETURN true;
END
$$;

ALTER FUNCTION app.log_break_glass_read(p_table text, p_row_id uuid) OWNER TO oxkair_definer;

--
-- Name: log_case_denied(uuid, text); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.log_case_denied(p_case_id uuid, p_endpoint text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
DECLARE
  v_user uuid := auth.uid();
  v_case_institution uuid;
  v_readable boolean;
BEGIN
  IF p_endpoint IS NULL OR p_endpoint !~ '^[A-Z]{3,7} /[A-Za-z0-9_./{}-]{0,200}$' THEN
    RAISE EXCEPTION 'endpoint must be a method and a route template' USING ERRCODE = 'OX422';
  END IF;
  IF v_user IS NULL THEN
    RETURN;
  END IF;
  SELECT n.institution_id,
         (n.user_id = v_user OR n.provider_user_id = v_user)
           AND n.institution_id = app.current_member_institution()
    INTO v_case_institution, v_readable
    FROM public.medical_notes n WHERE n.id = p_case_id;
  IF NOT FOUND OR v_readable THEN
    RETURN;  -- no such case (nothing to protect), or a refusal that is not a denial (409)
  END IF;
  PERFORM audit.append('CASE_DENIED', 'public.medical_notes', p_case_id::text, NULL, NULL,
                       pg_catalog.jsonb_build_object(
                         'endpoint', p_endpoint,
                         'other_institution', v_case_institution IS DISTINCT FROM app.current_member_institution()));
END
$_$;

ALTER FUNCTION app.log_case_denied(p_case_id uuid, p_endpoint text) OWNER TO oxkair_definer;

--
-- Name: log_case_reads(uuid[], text); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.log_case_reads(p_ids uuid[], p_endpoint text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
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
$_$;

ALTER FUNCTION app.log_case_reads(p_ids uuid[], p_endpoint text) OWNER TO oxkair_definer;

--
-- Name: name_institution_admin(text, uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.name_institution_admin(p_email text, p_institution uuid) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_user uuid;
  v_profile_institution uuid;
BEGIN
  SELECT u.id, p.institution_id INTO v_user, v_profile_institution
    FROM auth.users u LEFT JOIN public.profiles p ON p.id = u.id
   WHERE lower(u.email) = lower(btrim(p_email));
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'no user with this email address' USING ERRCODE = 'OX404';
  END IF;
  IF v_profile_institution IS DISTINCT FROM p_institution THEN
    RAISE EXCEPTION 'this user''s profile names another institution (or none)' USING ERRCODE = 'OX422';
  END IF;
  UPDATE public.profiles SET verification_status = 'verified'
   WHERE id = v_user AND verification_status IS DISTINCT FROM 'verified';
  INSERT INTO app.designations (user_id, designation, institution_id)
  VALUES (v_user, 'institution_admin', p_institution)
  ON CONFLICT ON CONSTRAINT designations_once DO NOTHING;
  PERFORM auth.log_event('INSTITUTION_ADMIN_ADDED', v_user,
                         jsonb_build_object('institution_id', p_institution, 'via', 'cli'));
  RETURN v_user;
END
$$;

ALTER FUNCTION app.name_institution_admin(p_email text, p_institution uuid) OWNER TO oxkair_definer;

--
-- Name: name_reviewer(text, text, uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.name_reviewer(p_email text, p_designation text, p_institution uuid) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_user uuid;
  v_profile_institution uuid;
BEGIN
  IF p_designation NOT IN ('privacy_officer', 'global_auditor')
     OR (p_designation = 'global_auditor') <> (p_institution IS NULL) THEN
    RAISE EXCEPTION 'a privacy officer is of one institution, a global auditor of none' USING ERRCODE = 'OX422';
  END IF;
  SELECT u.id, p.institution_id INTO v_user, v_profile_institution
    FROM auth.users u LEFT JOIN public.profiles p ON p.id = u.id
   WHERE lower(u.email) = lower(btrim(p_email));
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'no user with this email address' USING ERRCODE = 'OX404';
  END IF;
  IF p_designation = 'privacy_officer' THEN
    IF v_profile_institution IS DISTINCT FROM p_institution THEN
      RAISE EXCEPTION 'this user''s profile names another institution (or none)' USING ERRCODE = 'OX422';
    END IF;
    UPDATE public.profiles SET verification_status = 'verified'
     WHERE id = v_user AND verification_status IS DISTINCT FROM 'verified';
  END IF;
  INSERT INTO app.designations (user_id, designation, institution_id)
  VALUES (v_user, p_designation, p_institution)
  ON CONFLICT ON CONSTRAINT designations_once DO NOTHING;
  PERFORM auth.log_event(upper(p_designation) || '_ADDED', v_user,
                         pg_catalog.jsonb_build_object('institution_id', p_institution, 'via', 'cli'));
  RETURN v_user;
END
$$;

ALTER FUNCTION app.name_reviewer(p_email text, p_designation text, p_institution uuid) OWNER TO oxkair_definer;

--
-- Name: name_suffixes(text); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.name_suffixes(value text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
  SELECT array_to_string(p.words[n:], ' ')
    FROM (SELECT app.search_phrase(value) AS words) p,
         generate_series(1, cardinality(p.words)) AS n
$$;

ALTER FUNCTION app.name_suffixes(value text) OWNER TO oxkair_owner;

--
-- Name: record_idempotency_result(text, uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.record_idempotency_result(p_key text, p_resource_id uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  UPDATE app.idempotency_keys SET resource_id = p_resource_id
   WHERE user_id = (SELECT auth.uid()) AND key = p_key AND resource_id IS NULL
     AND EXISTS (SELECT FROM public.medical_notes n
                  WHERE n.id = p_resource_id AND n.user_id = (SELECT auth.uid()))
$$;

ALTER FUNCTION app.record_idempotency_result(p_key text, p_resource_id uuid) OWNER TO oxkair_definer;

--
-- Name: refresh_institution_suffixes(); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.refresh_institution_suffixes() RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  INSERT INTO app.institution_suffixes (suffix, institution_id)
  SELECT DISTINCT s, i.id FROM public.institutions i, app.name_suffixes(i.name) AS s
  ON CONFLICT DO NOTHING
$$;

ALTER FUNCTION app.refresh_institution_suffixes() OWNER TO oxkair_owner;

--
-- Name: refresh_institution_words(); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.refresh_institution_words() RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $_$
  INSERT INTO app.institution_words (word)
  SELECT DISTINCT w FROM public.institutions i, unnest(app.search_words(i.name)) AS w
   WHERE w !~ '^[0-9]+$'
  ON CONFLICT (word) DO NOTHING
$_$;

ALTER FUNCTION app.refresh_institution_words() OWNER TO oxkair_owner;

--
-- Name: remove_institution_admin(text, uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.remove_institution_admin(p_email text, p_institution uuid) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_user uuid;
BEGIN
  DELETE FROM app.designations d USING auth.users u
   WHERE d.user_id = u.id AND lower(u.email) = lower(btrim(p_email))
     AND d.designation = 'institution_admin' AND d.institution_id = p_institution
  RETURNING d.user_id INTO v_user;
  IF v_user IS NOT NULL THEN
    PERFORM auth.log_event('INSTITUTION_ADMIN_REMOVED', v_user,
                           jsonb_build_object('institution_id', p_institution, 'via', 'cli'));
  END IF;
  RETURN v_user IS NOT NULL;
END
$$;

ALTER FUNCTION app.remove_institution_admin(p_email text, p_institution uuid) OWNER TO oxkair_definer;

--
-- Name: remove_reviewer(text, text, uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.remove_reviewer(p_email text, p_designation text, p_institution uuid) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_user uuid;
BEGIN
  DELETE FROM app.designations d USING auth.users u
   WHERE d.user_id = u.id AND lower(u.email) = lower(btrim(p_email))
     AND d.designation = p_designation AND p_designation IN ('privacy_officer', 'global_auditor')
     AND d.institution_id IS NOT DISTINCT FROM p_institution
  RETURNING d.user_id INTO v_user;
  IF v_user IS NOT NULL THEN
    PERFORM auth.log_event(upper(p_designation) || '_REMOVED', v_user,
                           pg_catalog.jsonb_build_object('institution_id', p_institution, 'via', 'cli'));
  END IF;
  RETURN v_user IS NOT NULL;
END
$$;

ALTER FUNCTION app.remove_reviewer(p_email text, p_designation text, p_institution uuid) OWNER TO oxkair_definer;

--
-- Name: require_admin(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.require_admin() RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_institution uuid := app.current_admin_institution();
BEGIN
  IF v_institution IS NULL THEN
    RAISE EXCEPTION 'only an administrator of an institution may do this' USING ERRCODE = 'OX403';
  END IF;
  RETURN v_institution;
END
$$;

ALTER FUNCTION app.require_admin() OWNER TO oxkair_definer;

--
-- Name: reviewers(text, uuid); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.reviewers(p_designation text, p_institution uuid) RETURNS TABLE(email text, name text, granted_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT u.email, p.name, d.granted_at
    FROM app.designations d
    JOIN auth.users u ON u.id = d.user_id
    LEFT JOIN public.profiles p ON p.id = d.user_id
   WHERE d.designation = p_designation AND p_designation IN ('privacy_officer', 'global_auditor')
     AND d.institution_id IS NOT DISTINCT FROM p_institution
   ORDER BY d.granted_at, u.email
$$;

ALTER FUNCTION app.reviewers(p_designation text, p_institution uuid) OWNER TO oxkair_definer;

--
-- Name: search_key(text); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.search_key(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
  SELECT lower(extensions.unaccent('extensions.unaccent'::regdictionary, value))
$$;

ALTER FUNCTION app.search_key(value text) OWNER TO oxkair_owner;

--
-- Name: search_phrase(text); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.search_phrase(value text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
  SELECT coalesce(array_agg(t.w ORDER BY t.n), '{}')
    FROM regexp_split_to_table(app.search_key(value), '[^[:alnum:]]+') WITH ORDINALITY AS t (w, n)
   WHERE t.w <> ''
$$;

ALTER FUNCTION app.search_phrase(value text) OWNER TO oxkair_owner;

--
-- Name: search_words(text); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.search_words(value text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
  SELECT coalesce(array_agg(DISTINCT w ORDER BY w), '{}')
    FROM regexp_split_to_table(app.search_key(value), '[^[:alnum:]]+') AS w
   WHERE w <> ''
$$;

ALTER FUNCTION app.search_words(value text) OWNER TO oxkair_owner;

--
-- Name: set_institution_hours(uuid, text, time without time zone, time without time zone, boolean); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.set_institution_hours(p_institution uuid, p_time_zone text, p_day_starts time without time zone, p_day_ends time without time zone, p_weekends_out_of_hours boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names z WHERE z.name = p_time_zone) THEN
    RAISE EXCEPTION 'not a time zone name (e.g. America/New_York, Europe/Berlin, UTC)' USING ERRCODE = 'OX422';
  END IF;
  IF p_day_starts >= p_day_ends THEN
    RAISE EXCEPTION 'the working day starts before it ends' USING ERRCODE = 'OX422';
  END IF;
  INSERT INTO app.institution_hours AS h (institution_id, time_zone, day_starts, day_ends, weekends_out_of_hours)
  VALUES (p_institution, p_time_zone, p_day_starts, p_day_ends, p_weekends_out_of_hours)
  ON CONFLICT (institution_id) DO UPDATE
    SET time_zone = excluded.time_zone, day_starts = excluded.day_starts, day_ends = excluded.day_ends,
        weekends_out_of_hours = excluded.weekends_out_of_hours;
END
$$;

ALTER FUNCTION app.set_institution_hours(p_institution uuid, p_time_zone text, p_day_starts time without time zone, p_day_ends time without time zone, p_weekends_out_of_hours boolean) OWNER TO oxkair_definer;

--
-- Name: tg__set_updated_at(); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.tg__set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

ALTER FUNCTION app.tg__set_updated_at() OWNER TO oxkair_owner;

--
-- Name: tg_institutions__collect_words(); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.tg_institutions__collect_words() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
BEGIN
  INSERT INTO app.institution_words (word)
  SELECT DISTINCT w FROM new_rows n, unnest(app.search_words(n.name)) AS w
   WHERE w !~ '^[0-9]+$'
  ON CONFLICT (word) DO NOTHING;
  RETURN NULL;
END
$_$;

ALTER FUNCTION app.tg_institutions__collect_words() OWNER TO oxkair_owner;

--
-- Name: tg_institutions__index_suffixes(); Type: FUNCTION; Schema: app; Owner: oxkair_owner
--

CREATE FUNCTION app.tg_institutions__index_suffixes() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM app.institution_suffixes s USING new_rows n WHERE s.institution_id = n.id;
  END IF;
  INSERT INTO app.institution_suffixes (suffix, institution_id)
  SELECT DISTINCT x, n.id FROM new_rows n, app.name_suffixes(n.name) AS x
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

ALTER FUNCTION app.tg_institutions__index_suffixes() OWNER TO oxkair_owner;

--
-- Name: tg_medical_notes__check_invariants(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.tg_medical_notes__check_invariants() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  creator_institution uuid;
  creator_status text;
  provider_category text;
  provider_institution uuid;
  provider_status text;
  broken text;
  old_status text;
BEGIN
  SELECT p.institution_id, p.verification_status INTO creator_institution, creator_status
    FROM public.profiles p WHERE p.id = NEW.user_id;

  IF TG_OP = 'INSERT' THEN
    IF NEW.institution_id IS NULL AND creator_status = 'verified' THEN
      NEW.institution_id := creator_institution;
    END IF;
    SELECT p.user_category, p.institution_id, p.verification_status
      INTO provider_category, provider_institution, provider_status
      FROM public.profiles p WHERE p.id = NEW.provider_user_id;
    broken := app.case_insert_rule_broken(creator_status, creator_institution, NEW.institution_id,
                                          NEW.provider_user_id, provider_category, provider_institution,
                                          provider_status, NEW.status);
    IF broken IS NOT NULL THEN
      RAISE EXCEPTION '%', CASE broken
          WHEN 'medical_notes_creator_verified' THEN 'a case is created by a verified member of an institution'
          WHEN 'medical_notes_institution_is_creators' THEN 'a case belongs to its creator''s institution'
          WHEN 'medical_notes_provider_in_institution'
            THEN 'the assigned provider must be a verified Provider of the case''s institution'
          ELSE 'a case pending provider review needs an assigned provider' END
        USING ERRCODE = 'check_violation', CONSTRAINT = broken;
    END IF;
    RETURN NEW;
  END IF;

  IF NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.institution_id IS DISTINCT FROM OLD.institution_id THEN
    IF creator_status IS DISTINCT FROM 'verified' THEN
      RAISE EXCEPTION 'a case is created by a verified member of an institution'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'medical_notes_creator_verified';
    END IF;
    IF NEW.institution_id IS NULL THEN
      NEW.institution_id := creator_institution;
    ELSIF NEW.institution_id IS DISTINCT FROM creator_institution THEN
      RAISE EXCEPTION 'a case belongs to its creator''s institution'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'medical_notes_institution_is_creators';
    END IF;
  END IF;

  IF NEW.provider_user_id IS NOT NULL AND (
       NEW.provider_user_id IS DISTINCT FROM OLD.provider_user_id
       OR NEW.institution_id IS DISTINCT FROM OLD.institution_id) THEN
    IF NOT EXISTS (
      SELECT FROM public.profiles p
       WHERE p.id = NEW.provider_user_id
         AND p.user_category = 'Provider'
         AND p.institution_id = NEW.institution_id
         AND p.verification_status = 'verified'
    ) THEN
      RAISE EXCEPTION 'the assigned provider must be a verified Provider of the case''s institution'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'medical_notes_provider_in_institution';
    END IF;
  END IF;

  IF NEW.status = 'PENDING_PROVIDER_REVIEW' AND NEW.provider_user_id IS NULL THEN
    RAISE EXCEPTION 'a case pending provider review needs an assigned provider'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'medical_notes_provider_required';
  END IF;

  IF NEW.status IS DISTINCT FROM OLD.status THEN
    old_status := coalesce(OLD.status, 'INCOMPLETE');
    IF (old_status, NEW.status) NOT IN (
         ('INCOMPLETE', 'PENDING_CODER_REVIEW'),
         ('PENDING_CODER_REVIEW', 'PENDING_PROVIDER_REVIEW'),
         ('PENDING_PROVIDER_REVIEW', 'PENDING_BILLING'),
         ('PENDING_PROVIDER_REVIEW', 'PENDING_CODER_REVIEW'))
       OR NEW.status IS NULL THEN
      RAISE EXCEPTION 'status cannot move from % to %', old_status, coalesce(NEW.status, 'NULL')
        USING ERRCODE = 'check_violation', CONSTRAINT = 'medical_notes_status_flow';
    END IF;
  END IF;

  RETURN NEW;
END
$$;

ALTER FUNCTION app.tg_medical_notes__check_invariants() OWNER TO oxkair_definer;

--
-- Name: tg_medical_notes__check_invariants_bulk(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.tg_medical_notes__check_invariants_bulk() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  bad_id uuid;
  bad_constraint text;
BEGIN
  SELECT v.id, v.broken INTO bad_id, bad_constraint
    FROM (SELECT n.id,
                 app.case_insert_rule_broken(c.verification_status, c.institution_id, n.institution_id,
                                             n.provider_user_id, p.user_category, p.institution_id,
                                             p.verification_status, n.status) AS broken
            FROM inserted n
            LEFT JOIN public.profiles c ON c.id = n.user_id
            LEFT JOIN public.profiles p ON p.id = n.provider_user_id) v
   WHERE v.broken IS NOT NULL
   LIMIT 1;
  IF bad_id IS NOT NULL THEN
    RAISE EXCEPTION 'a bulk-loaded case breaks %', bad_constraint
      USING ERRCODE = 'check_violation', CONSTRAINT = bad_constraint;
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION app.tg_medical_notes__check_invariants_bulk() OWNER TO oxkair_definer;

--
-- Name: tg_profiles__membership(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.tg_profiles__membership() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.institution_id IS DISTINCT FROM OLD.institution_id THEN
    NEW.verification_status := 'not verified';
  END IF;
  IF coalesce(NEW.verification_status, 'not verified') = 'not verified'
     AND NEW.institution_id IS NOT NULL
     AND app.email_domain_verifies(NEW.id, NEW.institution_id) THEN
    NEW.verification_status := 'verified';
  END IF;
  RETURN NEW;
END
$$;

ALTER FUNCTION app.tg_profiles__membership() OWNER TO oxkair_definer;

--
-- Name: tg_users__membership_by_domain(); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.tg_users__membership_by_domain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_institution uuid;
BEGIN
  UPDATE public.profiles p SET verification_status = 'verified'
   WHERE p.id = NEW.id AND coalesce(p.verification_status, 'not verified') = 'not verified'
     AND p.institution_id IS NOT NULL AND app.email_domain_verifies(p.id, p.institution_id)
  RETURNING p.institution_id INTO v_institution;
  IF v_institution IS NOT NULL THEN
    PERFORM auth.log_event('MEMBERSHIP_VERIFIED_BY_DOMAIN', NEW.id,
                           jsonb_build_object('institution_id', v_institution));
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION app.tg_users__membership_by_domain() OWNER TO oxkair_definer;

--
-- Name: word_candidates(text, boolean); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.word_candidates(p_word text, p_prefix boolean) RETURNS text[]
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    SET "pg_trgm.similarity_threshold" TO '0.4'
    AS $_$
  SELECT coalesce(array_agg(DISTINCT c.w), '{}') FROM (
    SELECT p_word AS w
     UNION ALL
    (SELECT v.word FROM app.institution_words v
      WHERE p_prefix
        AND (v.word COLLATE "C") >= (p_word COLLATE "C")
        AND (v.word COLLATE "C") < ((p_word || chr(1114111)) COLLATE "C")
      ORDER BY (v.word COLLATE "C") LIMIT 50)
     UNION ALL
    (SELECT v.word FROM app.institution_words v
      WHERE length(p_word) >= 3 AND p_word !~ '^[0-9]+$'
        AND v.word OPERATOR(extensions.%) p_word
      ORDER BY extensions.similarity(v.word, p_word) DESC, v.word LIMIT 5)
  ) c
$_$;

ALTER FUNCTION app.word_candidates(p_word text, p_prefix boolean) OWNER TO oxkair_definer;

--
-- Name: word_variants(text); Type: FUNCTION; Schema: app; Owner: oxkair_definer
--

CREATE FUNCTION app.word_variants(p_word text) RETURNS text[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    SET "pg_trgm.similarity_threshold" TO '0.3'
    AS $_$
DECLARE
  v_found text[];
BEGIN
  IF p_word ~ '^[0-9]+$' THEN
    RETURN ARRAY[p_word];  -- numbers are no vocabulary words
  END IF;
  -- Itself, then the words it begins.
  v_found := ARRAY(SELECT w.word FROM app.institution_words w WHERE w.word = p_word);
  IF length(p_word) >= 2 THEN
    v_found := v_found || ARRAY(
      SELECT w.word FROM app.institution_words w
       WHERE (w.word COLLATE "C") > (p_word COLLATE "C")
         AND (w.word COLLATE "C") < ((p_word || chr(1114111)) COLLATE "C")
       ORDER BY (w.word COLLATE "C") LIMIT 6);
  END IF;
  IF cardinality(v_found) > 0 OR length(p_word) < 3 THEN
    RETURN v_found;
  END IF;
  -- A typo: two letters swapped ("jhons", which trigrams see as far apart in a short word),
  -- else the words closest to it.
  v_found := ARRAY(
    SELECT w.word FROM app.institution_words w
     WHERE w.word = ANY (ARRAY(
       SELECT substr(p_word, 1, i - 1) || substr(p_word, i + 1, 1) || substr(p_word, i, 1)
              || substr(p_word, i + 2)
         FROM generate_series(1, length(p_word) - 1) AS i))
     ORDER BY w.word);
  IF cardinality(v_found) > 0 THEN
    RETURN v_found;
  END IF;
  RETURN ARRAY(
    SELECT w.word FROM app.institution_words w
     WHERE w.word OPERATOR(extensions.%) p_word
     ORDER BY extensions.similarity(w.word, p_word) DESC, w.word LIMIT 3);
END
$_$;

ALTER FUNCTION app.word_variants(p_word text) OWNER TO oxkair_definer;

--
-- Name: acting_role(); Type: FUNCTION; Schema: audit; Owner: oxkair_owner
--

CREATE FUNCTION audit.acting_role() RETURNS text
    LANGUAGE sql STABLE
    AS $$
  SELECT coalesce(nullif(pg_catalog.current_setting('role', true), 'none'), SESSION_USER::text)
$$;

ALTER FUNCTION audit.acting_role() OWNER TO oxkair_owner;

--
-- Name: append(text, text, text, jsonb, jsonb, jsonb); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.append(p_action text, p_table text, p_row_id text, p_old jsonb, p_new jsonb, p_detail jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_lane smallint := (pg_catalog.pg_backend_pid() % 8)::smallint;
  v_at timestamptz := pg_catalog.clock_timestamp();
  v_txid xid8 := pg_catalog.pg_current_xact_id();
  v_actor uuid := auth.uid();
  v_role text := audit.acting_role();
  v_client inet := coalesce(nullif(pg_catalog.current_setting('request.client_addr', true), '')::inet,
                            pg_catalog.inet_client_addr());
  v_session text := nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'session_id';
  v_detail jsonb := CASE WHEN v_session IS NULL THEN p_detail
                         ELSE coalesce(p_detail, '{}'::jsonb) || pg_catalog.jsonb_build_object('session_id', v_session)
                    END;
BEGIN
  WITH head AS (
    UPDATE audit.chain_head h
       SET seq = h.seq + 1,
           prev_hash = h.hash,
           hash = audit.entry_hash(h.hash, v_lane, h.seq + 1, v_at, v_txid, v_actor, v_role,
                                   session_user, v_client, p_action, p_table, p_row_id, p_old, p_new,
                                   v_detail)
     WHERE h.lane = v_lane
    RETURNING h.seq, h.prev_hash, h.hash
  )
  INSERT INTO audit.log (lane, seq, at, txid, actor_user_id, db_role, session_role, client_addr,
                         action, table_name, row_id, old_values, new_values, detail, prev_hash, hash)
  SELECT v_lane, head.seq, v_at, v_txid, v_actor, v_role, session_user, v_client,
         p_action, p_table, p_row_id, p_old, p_new, v_detail, head.prev_hash, head.hash
    FROM head;
END
$$;

ALTER FUNCTION audit.append(p_action text, p_table text, p_row_id text, p_old jsonb, p_new jsonb, p_detail jsonb) OWNER TO oxkair_definer;

--
-- Name: ensure_partitions(integer, integer); Type: FUNCTION; Schema: audit; Owner: oxkair_owner
--

CREATE FUNCTION audit.ensure_partitions(first_year integer, last_year integer) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  FOR y IN first_year..last_year LOOP
    EXECUTE format(
      'CREATE TABLE IF NOT EXISTS audit.log_y%s PARTITION OF audit.log FOR VALUES FROM (%L) TO (%L)',
      y, make_date(y, 1, 1), make_date(y + 1, 1, 1));
  END LOOP;
END
$$;

ALTER FUNCTION audit.ensure_partitions(first_year integer, last_year integer) OWNER TO oxkair_owner;

--
-- Name: entry_hash(bytea, smallint, bigint, timestamp with time zone, xid8, uuid, text, text, inet, text, text, text, jsonb, jsonb, jsonb); Type: FUNCTION; Schema: audit; Owner: oxkair_owner
--

CREATE FUNCTION audit.entry_hash(prev_hash bytea, lane smallint, seq bigint, at timestamp with time zone, txid xid8, actor_user_id uuid, db_role text, session_role text, client_addr inet, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, detail jsonb) RETURNS bytea
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
  SELECT pg_catalog.sha256(prev_hash || pg_catalog.convert_to(pg_catalog.jsonb_build_array(
    lane, seq, (extract(epoch FROM at) * 1000000)::bigint, txid::text, actor_user_id, db_role,
    session_role, host(client_addr), action, table_name, row_id, old_values, new_values, detail
  )::text, 'UTF8'))
$$;

ALTER FUNCTION audit.entry_hash(prev_hash bytea, lane smallint, seq bigint, at timestamp with time zone, txid xid8, actor_user_id uuid, db_role text, session_role text, client_addr inet, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, detail jsonb) OWNER TO oxkair_owner;

--
-- Name: install_row_change_trigger(regclass, text[]); Type: FUNCTION; Schema: audit; Owner: oxkair_owner
--

CREATE FUNCTION audit.install_row_change_trigger(p_table regclass, p_never_recorded text[] DEFAULT '{}'::text[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
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

ALTER FUNCTION audit.install_row_change_trigger(p_table regclass, p_never_recorded text[]) OWNER TO oxkair_owner;

--
-- Name: log_export(timestamp with time zone, bigint); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.log_export(p_since timestamp with time zone, p_entries bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT audit.append('AUDIT_EXPORT', NULL, NULL, NULL, NULL,
                      pg_catalog.jsonb_build_object('since', p_since, 'entries', p_entries))
$$;

ALTER FUNCTION audit.log_export(p_since timestamp with time zone, p_entries bigint) OWNER TO oxkair_definer;

--
-- Name: log_migration(text, text, jsonb); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.log_migration(p_action text, p_table text, p_detail jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  IF p_action NOT IN ('MIGRATION', 'MIGRATION_ARCHIVE', 'MIGRATION_EXCLUDED') THEN
    RAISE EXCEPTION 'not a migration event: %', p_action USING ERRCODE = 'OX422';
  END IF;
  PERFORM audit.append(p_action, p_table, NULL, NULL, NULL, p_detail);
END
$$;

ALTER FUNCTION audit.log_migration(p_action text, p_table text, p_detail jsonb) OWNER TO oxkair_definer;

--
-- Name: refresh_row_change_triggers(); Type: FUNCTION; Schema: audit; Owner: oxkair_owner
--

CREATE FUNCTION audit.refresh_row_change_triggers() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT table_name, never_recorded FROM audit.row_change_trigger ORDER BY table_name LOOP
    PERFORM audit.install_row_change_trigger(r.table_name::regclass, r.never_recorded);
  END LOOP;
END
$$;

ALTER FUNCTION audit.refresh_row_change_triggers() OWNER TO oxkair_owner;

--
-- Name: row_change_function_source(regclass, text, text[]); Type: FUNCTION; Schema: audit; Owner: oxkair_owner
--

CREATE FUNCTION audit.row_change_function_source(p_table regclass, p_function text, p_never text[]) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
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
$_$;

ALTER FUNCTION audit.row_change_function_source(p_table regclass, p_function text, p_never text[]) OWNER TO oxkair_owner;

--
-- Name: tg__forbid_change(); Type: FUNCTION; Schema: audit; Owner: oxkair_owner
--

CREATE FUNCTION audit.tg__forbid_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

ALTER FUNCTION audit.tg__forbid_change() OWNER TO oxkair_owner;

--
-- Name: tg_app_designations__row_change(); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.tg_app_designations__row_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
-- Generated by audit.install_row_change_trigger('app.designations'): do not edit; regenerated on every upgrade.
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
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id IS DISTINCT FROM OLD.id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('id', OLD.id);
      v_new := v_new || pg_catalog.jsonb_build_object('id', NEW.id);
    END IF;
    IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('user_id', OLD.user_id);
      v_new := v_new || pg_catalog.jsonb_build_object('user_id', NEW.user_id);
    END IF;
    IF NEW.designation IS DISTINCT FROM OLD.designation THEN
      v_old := v_old || pg_catalog.jsonb_build_object('designation', OLD.designation);
      v_new := v_new || pg_catalog.jsonb_build_object('designation', NEW.designation);
    END IF;
    IF NEW.institution_id IS DISTINCT FROM OLD.institution_id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('institution_id', OLD.institution_id);
      v_new := v_new || pg_catalog.jsonb_build_object('institution_id', NEW.institution_id);
    END IF;
    IF NEW.granted_by IS DISTINCT FROM OLD.granted_by THEN
      v_old := v_old || pg_catalog.jsonb_build_object('granted_by', OLD.granted_by);
      v_new := v_new || pg_catalog.jsonb_build_object('granted_by', NEW.granted_by);
    END IF;
    IF NEW.granted_at IS DISTINCT FROM OLD.granted_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('granted_at', OLD.granted_at);
      v_new := v_new || pg_catalog.jsonb_build_object('granted_at', NEW.granted_at);
    END IF;
    IF v_old = '{}'::jsonb THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
    PERFORM audit.append('UPDATE', 'app.designations', OLD.id::text, v_old, v_new, NULL);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM audit.append('INSERT', 'app.designations', NEW.id::text, NULL, pg_catalog.to_jsonb(NEW) - '{}'::text[], NULL);
  ELSE
    PERFORM audit.append('DELETE', 'app.designations', OLD.id::text, pg_catalog.to_jsonb(OLD) - '{}'::text[], NULL, NULL);
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION audit.tg_app_designations__row_change() OWNER TO oxkair_definer;

--
-- Name: tg_app_institution_hours__row_change(); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.tg_app_institution_hours__row_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
-- Generated by audit.install_row_change_trigger('app.institution_hours'): do not edit; regenerated on every upgrade.
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
  IF TG_OP = 'UPDATE' THEN
    IF NEW.institution_id IS DISTINCT FROM OLD.institution_id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('institution_id', OLD.institution_id);
      v_new := v_new || pg_catalog.jsonb_build_object('institution_id', NEW.institution_id);
    END IF;
    IF NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
      v_old := v_old || pg_catalog.jsonb_build_object('time_zone', OLD.time_zone);
      v_new := v_new || pg_catalog.jsonb_build_object('time_zone', NEW.time_zone);
    END IF;
    IF NEW.day_starts IS DISTINCT FROM OLD.day_starts THEN
      v_old := v_old || pg_catalog.jsonb_build_object('day_starts', OLD.day_starts);
      v_new := v_new || pg_catalog.jsonb_build_object('day_starts', NEW.day_starts);
    END IF;
    IF NEW.day_ends IS DISTINCT FROM OLD.day_ends THEN
      v_old := v_old || pg_catalog.jsonb_build_object('day_ends', OLD.day_ends);
      v_new := v_new || pg_catalog.jsonb_build_object('day_ends', NEW.day_ends);
    END IF;
    IF NEW.weekends_out_of_hours IS DISTINCT FROM OLD.weekends_out_of_hours THEN
      v_old := v_old || pg_catalog.jsonb_build_object('weekends_out_of_hours', OLD.weekends_out_of_hours);
      v_new := v_new || pg_catalog.jsonb_build_object('weekends_out_of_hours', NEW.weekends_out_of_hours);
    END IF;
    IF v_old = '{}'::jsonb THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
    PERFORM audit.append('UPDATE', 'app.institution_hours', NULL, v_old, v_new, NULL);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM audit.append('INSERT', 'app.institution_hours', NULL, NULL, pg_catalog.to_jsonb(NEW) - '{}'::text[], NULL);
  ELSE
    PERFORM audit.append('DELETE', 'app.institution_hours', NULL, pg_catalog.to_jsonb(OLD) - '{}'::text[], NULL, NULL);
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION audit.tg_app_institution_hours__row_change() OWNER TO oxkair_definer;

--
-- Name: tg_auth_users__row_change(); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.tg_auth_users__row_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
-- Generated by audit.install_row_change_trigger('auth.users'): do not edit; regenerated on every upgrade.
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
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id IS DISTINCT FROM OLD.id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('id', OLD.id);
      v_new := v_new || pg_catalog.jsonb_build_object('id', NEW.id);
    END IF;
    IF NEW.email IS DISTINCT FROM OLD.email THEN
      v_old := v_old || pg_catalog.jsonb_build_object('email', OLD.email);
      v_new := v_new || pg_catalog.jsonb_build_object('email', NEW.email);
    END IF;
    IF NEW.email_confirmed_at IS DISTINCT FROM OLD.email_confirmed_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('email_confirmed_at', OLD.email_confirmed_at);
      v_new := v_new || pg_catalog.jsonb_build_object('email_confirmed_at', NEW.email_confirmed_at);
    END IF;
    IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('created_at', OLD.created_at);
      v_new := v_new || pg_catalog.jsonb_build_object('created_at', NEW.created_at);
    END IF;
    IF NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('updated_at', OLD.updated_at);
      v_new := v_new || pg_catalog.jsonb_build_object('updated_at', NEW.updated_at);
    END IF;
    IF NEW.last_sign_in_at IS DISTINCT FROM OLD.last_sign_in_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('last_sign_in_at', OLD.last_sign_in_at);
      v_new := v_new || pg_catalog.jsonb_build_object('last_sign_in_at', NEW.last_sign_in_at);
    END IF;
    IF NEW.password_changed_at IS DISTINCT FROM OLD.password_changed_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('password_changed_at', OLD.password_changed_at);
      v_new := v_new || pg_catalog.jsonb_build_object('password_changed_at', NEW.password_changed_at);
    END IF;
    IF NEW.disabled_at IS DISTINCT FROM OLD.disabled_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('disabled_at', OLD.disabled_at);
      v_new := v_new || pg_catalog.jsonb_build_object('disabled_at', NEW.disabled_at);
    END IF;
    IF NEW.banned_until IS DISTINCT FROM OLD.banned_until THEN
      v_old := v_old || pg_catalog.jsonb_build_object('banned_until', OLD.banned_until);
      v_new := v_new || pg_catalog.jsonb_build_object('banned_until', NEW.banned_until);
    END IF;
    IF NEW.failed_login_count IS DISTINCT FROM OLD.failed_login_count THEN
      v_old := v_old || pg_catalog.jsonb_build_object('failed_login_count', OLD.failed_login_count);
      v_new := v_new || pg_catalog.jsonb_build_object('failed_login_count', NEW.failed_login_count);
    END IF;
    IF NEW.locked_until IS DISTINCT FROM OLD.locked_until THEN
      v_old := v_old || pg_catalog.jsonb_build_object('locked_until', OLD.locked_until);
      v_new := v_new || pg_catalog.jsonb_build_object('locked_until', NEW.locked_until);
    END IF;
    IF NEW.external_issuer IS DISTINCT FROM OLD.external_issuer THEN
      v_old := v_old || pg_catalog.jsonb_build_object('external_issuer', OLD.external_issuer);
      v_new := v_new || pg_catalog.jsonb_build_object('external_issuer', NEW.external_issuer);
    END IF;
    IF NEW.external_subject IS DISTINCT FROM OLD.external_subject THEN
      v_old := v_old || pg_catalog.jsonb_build_object('external_subject', OLD.external_subject);
      v_new := v_new || pg_catalog.jsonb_build_object('external_subject', NEW.external_subject);
    END IF;
    IF NEW.app_metadata IS DISTINCT FROM OLD.app_metadata THEN
      v_old := v_old || pg_catalog.jsonb_build_object('app_metadata', OLD.app_metadata);
      v_new := v_new || pg_catalog.jsonb_build_object('app_metadata', NEW.app_metadata);
    END IF;
    IF NEW.user_metadata IS DISTINCT FROM OLD.user_metadata THEN
      v_old := v_old || pg_catalog.jsonb_build_object('user_metadata', OLD.user_metadata);
      v_new := v_new || pg_catalog.jsonb_build_object('user_metadata', NEW.user_metadata);
    END IF;
    IF NEW.migrated_from IS DISTINCT FROM OLD.migrated_from THEN
      v_old := v_old || pg_catalog.jsonb_build_object('migrated_from', OLD.migrated_from);
      v_new := v_new || pg_catalog.jsonb_build_object('migrated_from', NEW.migrated_from);
    END IF;
    IF v_old = '{}'::jsonb THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
    PERFORM audit.append('UPDATE', 'auth.users', OLD.id::text, v_old, v_new, NULL);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM audit.append('INSERT', 'auth.users', NEW.id::text, NULL, pg_catalog.to_jsonb(NEW) - '{password_hash}'::text[], NULL);
  ELSE
    PERFORM audit.append('DELETE', 'auth.users', OLD.id::text, pg_catalog.to_jsonb(OLD) - '{password_hash}'::text[], NULL, NULL);
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION audit.tg_auth_users__row_change() OWNER TO oxkair_definer;

--
-- Name: tg_public_institutions__row_change(); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.tg_public_institutions__row_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
-- Generated by audit.install_row_change_trigger('public.institutions'): do not edit; regenerated on every upgrade.
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
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id IS DISTINCT FROM OLD.id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('id', OLD.id);
      v_new := v_new || pg_catalog.jsonb_build_object('id', NEW.id);
    END IF;
    IF NEW.name IS DISTINCT FROM OLD.name THEN
      v_old := v_old || pg_catalog.jsonb_build_object('name', OLD.name);
      v_new := v_new || pg_catalog.jsonb_build_object('name', NEW.name);
    END IF;
    IF NEW.email_domains IS DISTINCT FROM OLD.email_domains THEN
      v_old := v_old || pg_catalog.jsonb_build_object('email_domains', OLD.email_domains);
      v_new := v_new || pg_catalog.jsonb_build_object('email_domains', NEW.email_domains);
    END IF;
    IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('created_at', OLD.created_at);
      v_new := v_new || pg_catalog.jsonb_build_object('created_at', NEW.created_at);
    END IF;
    IF NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('updated_at', OLD.updated_at);
      v_new := v_new || pg_catalog.jsonb_build_object('updated_at', NEW.updated_at);
    END IF;
    IF v_old = '{}'::jsonb THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
    PERFORM audit.append('UPDATE', 'public.institutions', OLD.id::text, v_old, v_new, NULL);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM audit.append('INSERT', 'public.institutions', NEW.id::text, NULL, pg_catalog.to_jsonb(NEW) - '{}'::text[], NULL);
  ELSE
    PERFORM audit.append('DELETE', 'public.institutions', OLD.id::text, pg_catalog.to_jsonb(OLD) - '{}'::text[], NULL, NULL);
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION audit.tg_public_institutions__row_change() OWNER TO oxkair_definer;

--
-- Name: tg_public_medical_notes__row_change(); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.tg_public_medical_notes__row_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
-- Generated by audit.install_row_change_trigger('public.medical_notes'): do not edit; regenerated on every upgrade.
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
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id IS DISTINCT FROM OLD.id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('id', OLD.id);
      v_new := v_new || pg_catalog.jsonb_build_object('id', NEW.id);
    END IF;
    IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('user_id', OLD.user_id);
      v_new := v_new || pg_catalog.jsonb_build_object('user_id', NEW.user_id);
    END IF;
    IF NEW.mrn IS DISTINCT FROM OLD.mrn THEN
      v_old := v_old || pg_catalog.jsonb_build_object('mrn', OLD.mrn);
      v_new := v_new || pg_catalog.jsonb_build_object('mrn', NEW.mrn);
    END IF;
    IF NEW.date_of_service IS DISTINCT FROM OLD.date_of_service THEN
      v_old := v_old || pg_catalog.jsonb_build_object('date_of_service', OLD.date_of_service);
      v_new := v_new || pg_catalog.jsonb_build_object('date_of_service', NEW.date_of_service);
    END IF;
    IF NEW.insurance_provider IS DISTINCT FROM OLD.insurance_provider THEN
      v_old := v_old || pg_catalog.jsonb_build_object('insurance_provider', OLD.insurance_provider);
      v_new := v_new || pg_catalog.jsonb_build_object('insurance_provider', NEW.insurance_provider);
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
      v_old := v_old || pg_catalog.jsonb_build_object('status', OLD.status);
      v_new := v_new || pg_catalog.jsonb_build_object('status', NEW.status);
    END IF;
    IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('created_at', OLD.created_at);
      v_new := v_new || pg_catalog.jsonb_build_object('created_at', NEW.created_at);
    END IF;
    IF NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('updated_at', OLD.updated_at);
      v_new := v_new || pg_catalog.jsonb_build_object('updated_at', NEW.updated_at);
    END IF;
    IF NEW.operative_notes IS DISTINCT FROM OLD.operative_notes THEN
      v_old := v_old || pg_catalog.jsonb_build_object('operative_notes', OLD.operative_notes);
      v_new := v_new || pg_catalog.jsonb_build_object('operative_notes', NEW.operative_notes);
    END IF;
    IF NEW.admission_notes IS DISTINCT FROM OLD.admission_notes THEN
      v_old := v_old || pg_catalog.jsonb_build_object('admission_notes', OLD.admission_notes);
      v_new := v_new || pg_catalog.jsonb_build_object('admission_notes', NEW.admission_notes);
    END IF;
    IF NEW.discharge_notes IS DISTINCT FROM OLD.discharge_notes THEN
      v_old := v_old || pg_catalog.jsonb_build_object('discharge_notes', OLD.discharge_notes);
      v_new := v_new || pg_catalog.jsonb_build_object('discharge_notes', NEW.discharge_notes);
    END IF;
    IF NEW.pathology_notes IS DISTINCT FROM OLD.pathology_notes THEN
      v_old := v_old || pg_catalog.jsonb_build_object('pathology_notes', OLD.pathology_notes);
      v_new := v_new || pg_catalog.jsonb_build_object('pathology_notes', NEW.pathology_notes);
    END IF;
    IF NEW.progress_notes IS DISTINCT FROM OLD.progress_notes THEN
      v_old := v_old || pg_catalog.jsonb_build_object('progress_notes', OLD.progress_notes);
      v_new := v_new || pg_catalog.jsonb_build_object('progress_notes', NEW.progress_notes);
    END IF;
    IF NEW.bedside_notes IS DISTINCT FROM OLD.bedside_notes THEN
      v_old := v_old || pg_catalog.jsonb_build_object('bedside_notes', OLD.bedside_notes);
      v_new := v_new || pg_catalog.jsonb_build_object('bedside_notes', NEW.bedside_notes);
    END IF;
    IF NEW.billable_notes IS DISTINCT FROM OLD.billable_notes THEN
      v_old := v_old || pg_catalog.jsonb_build_object('billable_notes', OLD.billable_notes);
      v_new := v_new || pg_catalog.jsonb_build_object('billable_notes', NEW.billable_notes);
    END IF;
    IF NEW.ai_raw_output IS DISTINCT FROM OLD.ai_raw_output THEN
      v_old := v_old || pg_catalog.jsonb_build_object('ai_raw_output', OLD.ai_raw_output);
      v_new := v_new || pg_catalog.jsonb_build_object('ai_raw_output', NEW.ai_raw_output);
    END IF;
    IF NEW.panel_data IS DISTINCT FROM OLD.panel_data THEN
      v_old := v_old || pg_catalog.jsonb_build_object('panel_data', OLD.panel_data);
      v_new := v_new || pg_catalog.jsonb_build_object('panel_data', NEW.panel_data);
    END IF;
    IF NEW.final_processed_data IS DISTINCT FROM OLD.final_processed_data THEN
      v_old := v_old || pg_catalog.jsonb_build_object('final_processed_data', OLD.final_processed_data);
      v_new := v_new || pg_catalog.jsonb_build_object('final_processed_data', NEW.final_processed_data);
    END IF;
    IF NEW.summary_data IS DISTINCT FROM OLD.summary_data THEN
      v_old := v_old || pg_catalog.jsonb_build_object('summary_data', OLD.summary_data);
      v_new := v_new || pg_catalog.jsonb_build_object('summary_data', NEW.summary_data);
    END IF;
    IF NEW.workflow_status IS DISTINCT FROM OLD.workflow_status THEN
      v_old := v_old || pg_catalog.jsonb_build_object('workflow_status', OLD.workflow_status);
      v_new := v_new || pg_catalog.jsonb_build_object('workflow_status', NEW.workflow_status);
    END IF;
    IF NEW.case_number IS DISTINCT FROM OLD.case_number THEN
      v_old := v_old || pg_catalog.jsonb_build_object('case_number', OLD.case_number);
      v_new := v_new || pg_catalog.jsonb_build_object('case_number', NEW.case_number);
    END IF;
    IF NEW.provider_user_id IS DISTINCT FROM OLD.provider_user_id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('provider_user_id', OLD.provider_user_id);
      v_new := v_new || pg_catalog.jsonb_build_object('provider_user_id', NEW.provider_user_id);
    END IF;
    IF NEW.institution_id IS DISTINCT FROM OLD.institution_id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('institution_id', OLD.institution_id);
      v_new := v_new || pg_catalog.jsonb_build_object('institution_id', NEW.institution_id);
    END IF;
    IF v_old = '{}'::jsonb THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
    PERFORM audit.append('UPDATE', 'public.medical_notes', OLD.id::text, v_old, v_new, NULL);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM audit.append('INSERT', 'public.medical_notes', NEW.id::text, NULL, pg_catalog.to_jsonb(NEW) - '{}'::text[], NULL);
  ELSE
    PERFORM audit.append('DELETE', 'public.medical_notes', OLD.id::text, pg_catalog.to_jsonb(OLD) - '{}'::text[], NULL, NULL);
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION audit.tg_public_medical_notes__row_change() OWNER TO oxkair_definer;

--
-- Name: tg_public_profiles__row_change(); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.tg_public_profiles__row_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
-- Generated by audit.install_row_change_trigger('public.profiles'): do not edit; regenerated on every upgrade.
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
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id IS DISTINCT FROM OLD.id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('id', OLD.id);
      v_new := v_new || pg_catalog.jsonb_build_object('id', NEW.id);
    END IF;
    IF NEW.first_name IS DISTINCT FROM OLD.first_name THEN
      v_old := v_old || pg_catalog.jsonb_build_object('first_name', OLD.first_name);
      v_new := v_new || pg_catalog.jsonb_build_object('first_name', NEW.first_name);
    END IF;
    IF NEW.last_name IS DISTINCT FROM OLD.last_name THEN
      v_old := v_old || pg_catalog.jsonb_build_object('last_name', OLD.last_name);
      v_new := v_new || pg_catalog.jsonb_build_object('last_name', NEW.last_name);
    END IF;
    IF NEW.name IS DISTINCT FROM OLD.name THEN
      v_old := v_old || pg_catalog.jsonb_build_object('name', OLD.name);
      v_new := v_new || pg_catalog.jsonb_build_object('name', NEW.name);
    END IF;
    IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('created_at', OLD.created_at);
      v_new := v_new || pg_catalog.jsonb_build_object('created_at', NEW.created_at);
    END IF;
    IF NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('updated_at', OLD.updated_at);
      v_new := v_new || pg_catalog.jsonb_build_object('updated_at', NEW.updated_at);
    END IF;
    IF NEW.user_category IS DISTINCT FROM OLD.user_category THEN
      v_old := v_old || pg_catalog.jsonb_build_object('user_category', OLD.user_category);
      v_new := v_new || pg_catalog.jsonb_build_object('user_category', NEW.user_category);
    END IF;
    IF NEW.npi IS DISTINCT FROM OLD.npi THEN
      v_old := v_old || pg_catalog.jsonb_build_object('npi', OLD.npi);
      v_new := v_new || pg_catalog.jsonb_build_object('npi', NEW.npi);
    END IF;
    IF NEW.recovery_email IS DISTINCT FROM OLD.recovery_email THEN
      v_old := v_old || pg_catalog.jsonb_build_object('recovery_email', OLD.recovery_email);
      v_new := v_new || pg_catalog.jsonb_build_object('recovery_email', NEW.recovery_email);
    END IF;
    IF NEW.phone_number IS DISTINCT FROM OLD.phone_number THEN
      v_old := v_old || pg_catalog.jsonb_build_object('phone_number', OLD.phone_number);
      v_new := v_new || pg_catalog.jsonb_build_object('phone_number', NEW.phone_number);
    END IF;
    IF NEW.verification_status IS DISTINCT FROM OLD.verification_status THEN
      v_old := v_old || pg_catalog.jsonb_build_object('verification_status', OLD.verification_status);
      v_new := v_new || pg_catalog.jsonb_build_object('verification_status', NEW.verification_status);
    END IF;
    IF NEW.institution_id IS DISTINCT FROM OLD.institution_id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('institution_id', OLD.institution_id);
      v_new := v_new || pg_catalog.jsonb_build_object('institution_id', NEW.institution_id);
    END IF;
    IF v_old = '{}'::jsonb THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
    PERFORM audit.append('UPDATE', 'public.profiles', OLD.id::text, v_old, v_new, NULL);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM audit.append('INSERT', 'public.profiles', NEW.id::text, NULL, pg_catalog.to_jsonb(NEW) - '{}'::text[], NULL);
  ELSE
    PERFORM audit.append('DELETE', 'public.profiles', OLD.id::text, pg_catalog.to_jsonb(OLD) - '{}'::text[], NULL, NULL);
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION audit.tg_public_profiles__row_change() OWNER TO oxkair_definer;

--
-- Name: tg_public_user_settings__row_change(); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.tg_public_user_settings__row_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
-- Generated by audit.install_row_change_trigger('public.user_settings'): do not edit; regenerated on every upgrade.
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
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id IS DISTINCT FROM OLD.id THEN
      v_old := v_old || pg_catalog.jsonb_build_object('id', OLD.id);
      v_new := v_new || pg_catalog.jsonb_build_object('id', NEW.id);
    END IF;
    IF NEW.theme IS DISTINCT FROM OLD.theme THEN
      v_old := v_old || pg_catalog.jsonb_build_object('theme', OLD.theme);
      v_new := v_new || pg_catalog.jsonb_build_object('theme', NEW.theme);
    END IF;
    IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('created_at', OLD.created_at);
      v_new := v_new || pg_catalog.jsonb_build_object('created_at', NEW.created_at);
    END IF;
    IF NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
      v_old := v_old || pg_catalog.jsonb_build_object('updated_at', OLD.updated_at);
      v_new := v_new || pg_catalog.jsonb_build_object('updated_at', NEW.updated_at);
    END IF;
    IF v_old = '{}'::jsonb THEN
      RETURN NULL;  -- nothing recorded changed
    END IF;
    PERFORM audit.append('UPDATE', 'public.user_settings', OLD.id::text, v_old, v_new, NULL);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM audit.append('INSERT', 'public.user_settings', NEW.id::text, NULL, pg_catalog.to_jsonb(NEW) - '{}'::text[], NULL);
  ELSE
    PERFORM audit.append('DELETE', 'public.user_settings', OLD.id::text, pg_catalog.to_jsonb(OLD) - '{}'::text[], NULL, NULL);
  END IF;
  RETURN NULL;
END
$$;

ALTER FUNCTION audit.tg_public_user_settings__row_change() OWNER TO oxkair_definer;

--
-- Name: verify_and_record(); Type: FUNCTION; Schema: audit; Owner: oxkair_definer
--

CREATE FUNCTION audit.verify_and_record() RETURNS TABLE(lane smallint, seq bigint, problem text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
#variable_conflict use_column
DECLARE
  v_at timestamptz := pg_catalog.statement_timestamp();
  v_entries bigint;
  v_problems integer;
BEGIN
  -- Counted and checked from the same snapshot; the run's own entry comes after what it verified.
  SELECT count(*) INTO v_entries FROM audit.log;
  RETURN QUERY SELECT v.lane, v.seq, v.problem FROM audit.verify_chain() v;
  GET DIAGNOSTICS v_problems = ROW_COUNT;
  INSERT INTO audit.verification_run (at, entries, problems) VALUES (v_at, v_entries, v_problems)
  ON CONFLICT (at) DO NOTHING;
  PERFORM audit.append('AUDIT_VERIFY', NULL, NULL, NULL, NULL,
                       pg_catalog.jsonb_build_object('entries', v_entries, 'problems', v_problems));
END
$$;

ALTER FUNCTION audit.verify_and_record() OWNER TO oxkair_definer;

--
-- Name: verify_chain(); Type: FUNCTION; Schema: audit; Owner: oxkair_owner
--

CREATE FUNCTION audit.verify_chain() RETURNS TABLE(lane smallint, seq bigint, problem text)
    LANGUAGE sql STABLE
    SET search_path TO ''
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

ALTER FUNCTION audit.verify_chain() OWNER TO oxkair_owner;

--
-- Name: change_password(text, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.change_password(p_verified_hash text, p_new_hash text) RETURNS uuid[]
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.change_password(p_verified_hash text, p_new_hash text) OWNER TO oxkair_definer;

--
-- Name: check_session(uuid); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.check_session(p_session_id uuid) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.check_session(p_session_id uuid) OWNER TO oxkair_definer;

--
-- Name: complete_profile(text, text, text, uuid, text, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.complete_profile(p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.complete_profile(p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text) OWNER TO oxkair_definer;

--
-- Name: create_session(uuid, text, bytea, integer, integer, text, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.create_session(p_user_id uuid, p_aal text, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text, p_method text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.create_session(p_user_id uuid, p_aal text, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text, p_method text) OWNER TO oxkair_definer;

--
-- Name: current_user_info(); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.current_user_info() RETURNS TABLE(id uuid, email text, email_confirmed_at timestamp with time zone, created_at timestamp with time zone, last_sign_in_at timestamp with time zone, mfa_enabled boolean, first_name text, last_name text, user_category text, institution_id uuid, has_profile boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT u.id, u.email, u.email_confirmed_at, u.created_at, u.last_sign_in_at,
         EXISTS (SELECT FROM auth.mfa_factors f WHERE f.user_id = u.id AND f.verified_at IS NOT NULL),
         p.first_name, p.last_name, p.user_category, p.institution_id, p.id IS NOT NULL
    FROM auth.users u LEFT JOIN public.profiles p ON p.id = u.id
   WHERE u.id = (SELECT auth.uid())
$$;

ALTER FUNCTION auth.current_user_info() OWNER TO oxkair_definer;

--
-- Name: email_key(text); Type: FUNCTION; Schema: auth; Owner: oxkair_owner
--

CREATE FUNCTION auth.email_key(p_email text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  SELECT encode(sha256(convert_to(lower(btrim(p_email)), 'UTF8')), 'hex')
$$;

ALTER FUNCTION auth.email_key(p_email text) OWNER TO oxkair_owner;

--
-- Name: insert_profile(uuid, text, text, text, uuid, text, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.insert_profile(p_user_id uuid, p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.insert_profile(p_user_id uuid, p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text) OWNER TO oxkair_definer;

--
-- Name: jwt(); Type: FUNCTION; Schema: auth; Owner: oxkair_owner
--

CREATE FUNCTION auth.jwt() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
  SELECT coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''),
                             '{}')::jsonb
$$;

ALTER FUNCTION auth.jwt() OWNER TO oxkair_owner;

--
-- Name: link_external_user(text, text, text, boolean); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.link_external_user(p_issuer text, p_subject text, p_email text, p_email_verified boolean) RETURNS TABLE(user_id uuid, email text, usable boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.link_external_user(p_issuer text, p_subject text, p_email text, p_email_verified boolean) OWNER TO oxkair_definer;

--
-- Name: log_event(text, uuid, jsonb); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.log_event(p_action text, p_user_id uuid, p_detail jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT audit.append(p_action, 'auth.users', p_user_id::text, NULL, NULL,
                      coalesce(p_detail, '{}'::jsonb) || jsonb_build_object('user_id', p_user_id))
$$;

ALTER FUNCTION auth.log_event(p_action text, p_user_id uuid, p_detail jsonb) OWNER TO oxkair_definer;

--
-- Name: log_login_refused(uuid, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.log_login_refused(p_user_id uuid, p_reason text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT auth.log_event('AUTH_LOGIN_REFUSED', p_user_id, jsonb_build_object('reason', p_reason))
$$;

ALTER FUNCTION auth.log_login_refused(p_user_id uuid, p_reason text) OWNER TO oxkair_definer;

--
-- Name: login_lookup(text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.login_lookup(p_email text) RETURNS TABLE(user_id uuid, password_hash text, email text, email_confirmed boolean, usable boolean, mfa_enabled boolean, locked_seconds integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT u.id, u.password_hash, u.email, u.email_confirmed_at IS NOT NULL,
         u.id IS NOT NULL AND u.disabled_at IS NULL AND (u.banned_until IS NULL OR u.banned_until <= now()),
         EXISTS (SELECT FROM auth.mfa_factors f WHERE f.user_id = u.id AND f.verified_at IS NOT NULL),
         coalesce(greatest(0, ceil(extract(epoch FROM f.locked_until - now())))::integer, 0)
    FROM (SELECT 1) AS one
    LEFT JOIN auth.users u ON lower(u.email) = lower(btrim(p_email))
    LEFT JOIN auth.login_failures f ON f.email_key = auth.email_key(p_email)
$$;

ALTER FUNCTION auth.login_lookup(p_email text) OWNER TO oxkair_definer;

--
-- Name: logout(boolean); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.logout(p_all boolean) RETURNS SETOF uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.logout(p_all boolean) OWNER TO oxkair_definer;

--
-- Name: logout_others(); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.logout_others() RETURNS SETOF uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

--
-- Name: mfa_challenge_complete(bytea, bigint, bytea, bytea, integer, integer, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.mfa_challenge_complete(p_token_hash bytea, p_step bigint, p_recovery_hash bytea, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text) RETURNS TABLE(session_id uuid, user_id uuid, email text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.mfa_challenge_complete(p_token_hash bytea, p_step bigint, p_recovery_hash bytea, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text) OWNER TO oxkair_definer;

--
-- Name: mfa_challenge_create(uuid, bytea, integer); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.mfa_challenge_create(p_user_id uuid, p_token_hash bytea, p_seconds integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  INSERT INTO auth.one_time_tokens (token_hash, user_id, purpose, expires_at)
  VALUES (p_token_hash, p_user_id, 'mfa_challenge', now() + make_interval(secs => p_seconds));
  PERFORM auth.log_event('AUTH_MFA_CHALLENGE', p_user_id, '{}'::jsonb);
END
$$;

ALTER FUNCTION auth.mfa_challenge_create(p_user_id uuid, p_token_hash bytea, p_seconds integer) OWNER TO oxkair_definer;

--
-- Name: mfa_challenge_factor(bytea, integer); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.mfa_challenge_factor(p_token_hash bytea, p_max_attempts integer) RETURNS TABLE(user_id uuid, secret text, last_used_step bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.mfa_challenge_factor(p_token_hash bytea, p_max_attempts integer) OWNER TO oxkair_definer;

--
-- Name: mfa_challenge_fail(bytea, integer); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer) OWNER TO oxkair_definer;

--
-- Name: mfa_challenge_fail(bytea, integer, integer, integer, integer); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer, p_threshold integer, p_base_seconds integer, p_max_seconds integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer, p_threshold integer, p_base_seconds integer, p_max_seconds integer) OWNER TO oxkair_definer;

--
-- Name: mfa_confirm(bigint, bytea[]); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.mfa_confirm(p_step bigint, p_recovery_hashes bytea[]) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.mfa_confirm(p_step bigint, p_recovery_hashes bytea[]) OWNER TO oxkair_definer;

--
-- Name: mfa_enroll(text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.mfa_enroll(p_secret text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.mfa_enroll(p_secret text) OWNER TO oxkair_definer;

--
-- Name: mfa_remove(); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.mfa_remove() RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.mfa_remove() OWNER TO oxkair_definer;

--
-- Name: mfa_session_refresh_token(bytea); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.mfa_session_refresh_token(p_new_hash bytea) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_user uuid := auth.uid();
  v_session uuid := nullif(auth.jwt() ->> 'session_id', '')::uuid;
BEGIN
  PERFORM FROM auth.sessions s
   WHERE s.id = v_session AND s.user_id = v_user AND s.aal = 'aal2' AND s.revoked_at IS NULL
     AND s.not_after > now() AND s.last_seen_at + s.idle_timeout > now()
     AND EXISTS (SELECT FROM auth.mfa_factors f WHERE f.user_id = v_user
                   AND f.verified_at > now() - interval '5 minutes')
   FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  UPDATE auth.refresh_tokens SET used_at = now() WHERE session_id = v_session AND used_at IS NULL;
  INSERT INTO auth.refresh_tokens (token_hash, session_id) VALUES (p_new_hash, v_session);
  PERFORM auth.log_event('AUTH_REFRESH', v_user,
    jsonb_build_object('session_id', v_session, 'reason', 'mfa_verified'));
  RETURN true;
END
$$;

ALTER FUNCTION auth.mfa_session_refresh_token(p_new_hash bytea) OWNER TO oxkair_definer;

--
-- Name: my_account(); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.my_account() RETURNS TABLE(id uuid, email text, email_confirmed_at timestamp with time zone, created_at timestamp with time zone, updated_at timestamp with time zone, last_sign_in_at timestamp with time zone, first_name text, last_name text, user_category text, institution_id uuid, npi text, phone_number text, verification_status text, factor_created_at timestamp with time zone, factor_verified_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT u.id, u.email, u.email_confirmed_at, u.created_at,
         greatest(u.updated_at, p.updated_at), u.last_sign_in_at,
         p.first_name, p.last_name, p.user_category, p.institution_id, p.npi, p.phone_number,
         p.verification_status, f.created_at, f.verified_at
    FROM auth.users u
    LEFT JOIN public.profiles p ON p.id = u.id
    LEFT JOIN auth.mfa_factors f ON f.user_id = u.id
   WHERE u.id = (SELECT auth.uid())
$$;

ALTER FUNCTION auth.my_account() OWNER TO oxkair_definer;

--
-- Name: my_credentials(); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.my_credentials() RETURNS TABLE(password_hash text, email text, locked_seconds integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT u.password_hash, u.email,
         coalesce(greatest(0, ceil(extract(epoch FROM f.locked_until - now())))::integer, 0)
    FROM auth.users u
    LEFT JOIN auth.login_failures f ON f.email_key = auth.email_key(u.email)
   WHERE u.id = (SELECT auth.uid())
$$;

ALTER FUNCTION auth.my_credentials() OWNER TO oxkair_definer;

--
-- Name: my_mfa_factor(); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.my_mfa_factor() RETURNS TABLE(secret text, verified boolean, last_used_step bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT f.secret, f.verified_at IS NOT NULL, f.last_used_step
    FROM auth.mfa_factors f WHERE f.user_id = (SELECT auth.uid())
$$;

ALTER FUNCTION auth.my_mfa_factor() OWNER TO oxkair_definer;

--
-- Name: my_sessions(); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.my_sessions() RETURNS TABLE(id uuid, created_at timestamp with time zone, last_seen_at timestamp with time zone, aal text, client_addr inet, user_agent text, current boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
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

--
-- Name: outbox_mark(bigint, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.outbox_mark(p_id bigint, p_error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  UPDATE auth.outbox
     SET attempts = attempts + 1,
         sent_at = CASE WHEN p_error IS NULL THEN now() END,
         body = CASE WHEN p_error IS NULL THEN '' ELSE body END,
         last_error = left(p_error, 300)
   WHERE id = p_id AND sent_at IS NULL
$$;

ALTER FUNCTION auth.outbox_mark(p_id bigint, p_error text) OWNER TO oxkair_definer;

--
-- Name: outbox_pending(integer); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.outbox_pending(p_limit integer) RETURNS TABLE(id bigint, to_address text, subject text, body text, created_at timestamp with time zone, attempts integer, last_error text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT o.id, o.to_address, o.subject, o.body, o.created_at, o.attempts, o.last_error
    FROM auth.outbox o WHERE o.sent_at IS NULL ORDER BY o.id LIMIT p_limit
$$;

ALTER FUNCTION auth.outbox_pending(p_limit integer) OWNER TO oxkair_definer;

--
-- Name: outbox_pending_count(); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.outbox_pending_count() RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT count(*) FROM auth.outbox o WHERE o.sent_at IS NULL
$$;

ALTER FUNCTION auth.outbox_pending_count() OWNER TO oxkair_definer;

--
-- Name: outbox_pending_newest(integer); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.outbox_pending_newest(p_limit integer) RETURNS TABLE(id bigint, to_address text, subject text, body text, created_at timestamp with time zone, attempts integer, last_error text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT o.id, o.to_address, o.subject, o.body, o.created_at, o.attempts, o.last_error
    FROM auth.outbox o WHERE o.sent_at IS NULL ORDER BY o.id DESC LIMIT p_limit
$$;

ALTER FUNCTION auth.outbox_pending_newest(p_limit integer) OWNER TO oxkair_definer;

--
-- Name: prune(); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.prune() RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  DELETE FROM auth.rate_limits WHERE window_start < now() - interval '1 day';
  DELETE FROM auth.login_failures
   WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now());
  DELETE FROM auth.one_time_tokens WHERE expires_at < now() - interval '7 days';
  DELETE FROM auth.email_changes WHERE expires_at < now() - interval '7 days';
  DELETE FROM app.idempotency_keys WHERE created_at < now() - interval '48 hours';
$$;

ALTER FUNCTION auth.prune() OWNER TO oxkair_definer;

--
-- Name: queue_email(text, text, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.queue_email(p_to text, p_subject text, p_body text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  INSERT INTO auth.outbox (to_address, subject, body) VALUES (p_to, p_subject, p_body)
$$;

ALTER FUNCTION auth.queue_email(p_to text, p_subject text, p_body text) OWNER TO oxkair_definer;

--
-- Name: rate_limit_hit(text, integer, integer); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.rate_limit_hit(p_bucket text, p_max integer, p_window_seconds integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.rate_limit_hit(p_bucket text, p_max integer, p_window_seconds integer) OWNER TO oxkair_definer;

--
-- Name: record_login_failure(text, uuid, text, integer, integer, integer); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.record_login_failure(p_email text, p_user_id uuid, p_reason text, p_threshold integer, p_base_seconds integer, p_max_seconds integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.record_login_failure(p_email text, p_user_id uuid, p_reason text, p_threshold integer, p_base_seconds integer, p_max_seconds integer) OWNER TO oxkair_definer;

--
-- Name: refresh_session(bytea, bytea); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.refresh_session(p_old_hash bytea, p_new_hash bytea) RETURNS TABLE(status text, session_id uuid, user_id uuid, email text, aal text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.refresh_session(p_old_hash bytea, p_new_hash bytea) OWNER TO oxkair_definer;

--
-- Name: rehash_password(uuid, text, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.rehash_password(p_user_id uuid, p_old_hash text, p_new_hash text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
BEGIN
  UPDATE auth.users SET password_hash = p_new_hash WHERE id = p_user_id AND password_hash = p_old_hash;
  IF FOUND THEN
    PERFORM auth.log_event('AUTH_PASSWORD_REHASHED', p_user_id,
      jsonb_build_object('from', split_part(p_old_hash, '$', 2), 'to', split_part(p_new_hash, '$', 2)));
  END IF;
END
$_$;

ALTER FUNCTION auth.rehash_password(p_user_id uuid, p_old_hash text, p_new_hash text) OWNER TO oxkair_definer;

--
-- Name: request_email_change(text, bytea, integer, text, text, text, text, text, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.request_email_change(p_new_email text, p_token_hash bytea, p_seconds integer, p_subject text, p_body text, p_taken_subject text, p_taken_body text, p_notice_subject text, p_notice_body text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.request_email_change(p_new_email text, p_token_hash bytea, p_seconds integer, p_subject text, p_body text, p_taken_subject text, p_taken_body text, p_notice_subject text, p_notice_body text) OWNER TO oxkair_definer;

--
-- Name: request_token(text, text, bytea, integer, text, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.request_token(p_email text, p_purpose text, p_token_hash bytea, p_token_seconds integer, p_subject text, p_body text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.request_token(p_email text, p_purpose text, p_token_hash bytea, p_token_seconds integer, p_subject text, p_body text) OWNER TO oxkair_definer;

--
-- Name: reset_password(bytea, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.reset_password(p_token_hash bytea, p_password_hash text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.reset_password(p_token_hash bytea, p_password_hash text) OWNER TO oxkair_definer;

--
-- Name: role(); Type: FUNCTION; Schema: auth; Owner: oxkair_owner
--

CREATE FUNCTION auth.role() RETURNS text
    LANGUAGE sql STABLE
    AS $$
  SELECT nullif(coalesce(
    pg_catalog.current_setting('request.jwt.claim.role', true),
    (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  ), '')::text
$$;

ALTER FUNCTION auth.role() OWNER TO oxkair_owner;

--
-- Name: signup(text, text, text, text, text, uuid, text, text, bytea, integer, text, text, text, text); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.signup(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text, p_token_hash bytea, p_token_seconds integer, p_new_subject text, p_new_body text, p_existing_subject text, p_existing_body text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.signup(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text, p_token_hash bytea, p_token_seconds integer, p_new_subject text, p_new_body text, p_existing_subject text, p_existing_body text) OWNER TO oxkair_definer;

--
-- Name: uid(); Type: FUNCTION; Schema: auth; Owner: oxkair_owner
--

CREATE FUNCTION auth.uid() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$
  SELECT nullif(coalesce(
    pg_catalog.current_setting('request.jwt.claim.sub', true),
    (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  ), '')::uuid
$$;

ALTER FUNCTION auth.uid() OWNER TO oxkair_owner;

--
-- Name: verify_email(bytea); Type: FUNCTION; Schema: auth; Owner: oxkair_definer
--

CREATE FUNCTION auth.verify_email(p_token_hash bytea) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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

ALTER FUNCTION auth.verify_email(p_token_hash bytea) OWNER TO oxkair_definer;

--
-- Name: restore_case_foreign_keys(); Type: FUNCTION; Schema: migration; Owner: oxkair_owner
--

CREATE FUNCTION migration.restore_case_foreign_keys() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  r record;
  n integer := 0;
BEGIN
  FOR r IN SELECT constraint_name, definition FROM migration.suspended_foreign_keys
            ORDER BY constraint_name LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = 'public.medical_notes'::regclass AND conname = r.constraint_name) THEN
      EXECUTE format('ALTER TABLE public.medical_notes ADD CONSTRAINT %I %s', r.constraint_name,
                     r.definition);
      n := n + 1;
    END IF;
    DELETE FROM migration.suspended_foreign_keys WHERE constraint_name = r.constraint_name;
  END LOOP;
  RETURN n;
END
$$;

ALTER FUNCTION migration.restore_case_foreign_keys() OWNER TO oxkair_owner;

--
-- Name: restore_case_index(text); Type: FUNCTION; Schema: migration; Owner: oxkair_owner
--

CREATE FUNCTION migration.restore_case_index(p_index_name text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  v_definition text;
BEGIN
  SELECT definition INTO v_definition FROM migration.suspended_indexes
   WHERE index_name = p_index_name FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  IF to_regclass(p_index_name) IS NULL THEN
    EXECUTE v_definition;
  END IF;
  DELETE FROM migration.suspended_indexes WHERE index_name = p_index_name;
  RETURN true;
END
$$;

ALTER FUNCTION migration.restore_case_index(p_index_name text) OWNER TO oxkair_owner;

--
-- Name: suspend_case_foreign_keys(); Type: FUNCTION; Schema: migration; Owner: oxkair_owner
--

CREATE FUNCTION migration.suspend_case_foreign_keys() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  r record;
  n integer := 0;
BEGIN
  LOCK TABLE public.medical_notes IN SHARE ROW EXCLUSIVE MODE;  -- no insert between check and drop
  IF EXISTS (SELECT 1 FROM public.medical_notes) THEN
    RETURN 0;
  END IF;
  -- With search_path = pg_catalog the definitions name every table with its schema.
  FOR r IN
    SELECT c.conname::text AS name, pg_get_constraintdef(c.oid) AS definition
      FROM pg_constraint c
     WHERE c.conrelid = 'public.medical_notes'::regclass AND c.contype = 'f'
     ORDER BY c.conname
  LOOP
    INSERT INTO migration.suspended_foreign_keys (constraint_name, definition)
      VALUES (r.name, r.definition);
    EXECUTE format('ALTER TABLE public.medical_notes DROP CONSTRAINT %I', r.name);
    n := n + 1;
  END LOOP;
  RETURN n;
END
$$;

ALTER FUNCTION migration.suspend_case_foreign_keys() OWNER TO oxkair_owner;

--
-- Name: suspend_case_indexes(); Type: FUNCTION; Schema: migration; Owner: oxkair_owner
--

CREATE FUNCTION migration.suspend_case_indexes() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
  r record;
  n integer := 0;
BEGIN
  LOCK TABLE public.medical_notes IN SHARE ROW EXCLUSIVE MODE;  -- no insert between check and drop
  IF EXISTS (SELECT 1 FROM public.medical_notes) THEN
    RETURN 0;
  END IF;
  FOR r IN
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
      FROM pg_index i
     WHERE i.indrelid = 'public.medical_notes'::regclass AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
  LOOP
    INSERT INTO migration.suspended_indexes (index_name, definition) VALUES (r.name, r.definition);
    EXECUTE format('DROP INDEX %s', r.name);
    n := n + 1;
  END LOOP;
  RETURN n;
END
$$;

ALTER FUNCTION migration.suspend_case_indexes() OWNER TO oxkair_owner;

--
-- Name: add_institution_admin(uuid); Type: FUNCTION; Schema: public; Owner: oxkair_definer
--

CREATE FUNCTION public.add_institution_admin(p_user uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_institution uuid := app.require_admin();
BEGIN
  IF NOT EXISTS (SELECT FROM public.profiles p WHERE p.id = p_user AND p.institution_id = v_institution
                    AND p.verification_status = 'verified') THEN
    RAISE EXCEPTION 'only a verified member of your institution can be named administrator'
      USING ERRCODE = 'OX404';
  END IF;
  INSERT INTO app.designations (user_id, designation, institution_id, granted_by)
  VALUES (p_user, 'institution_admin', v_institution, (SELECT auth.uid()))
  ON CONFLICT ON CONSTRAINT designations_once DO NOTHING;
  PERFORM auth.log_event('INSTITUTION_ADMIN_ADDED', p_user, jsonb_build_object('institution_id', v_institution));
END
$$;

ALTER FUNCTION public.add_institution_admin(p_user uuid) OWNER TO oxkair_definer;

--
-- Name: case_history(uuid); Type: FUNCTION; Schema: public; Owner: oxkair_definer
--

CREATE FUNCTION public.case_history(p_case_id uuid) RETURNS TABLE(at timestamp with time zone, action text, actor_name text, fields text[], status_from text, status_to text, provider_name text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT l.at,
         CASE WHEN l.action = 'INSERT' THEN 'created'
              WHEN l.new_values ? 'status' THEN 'moved'
              ELSE 'edited' END,
         actor.name,
         CASE WHEN l.action = 'UPDATE' THEN
           ARRAY(SELECT k FROM pg_catalog.jsonb_object_keys(l.new_values) AS k
                  WHERE k NOT IN ('updated_at', 'status', 'provider_user_id') ORDER BY k)
         ELSE '{}'::text[] END,
         CASE WHEN l.action = 'UPDATE' THEN l.old_values ->> 'status' END,
         l.new_values ->> 'status',
         provider.name
    FROM audit.log l
    LEFT JOIN public.profiles actor ON actor.id = l.actor_user_id
    LEFT JOIN public.profiles provider
      ON l.action = 'UPDATE' AND provider.id = (l.new_values ->> 'provider_user_id')::uuid
   WHERE l.table_name = 'public.medical_notes' AND l.row_id = p_case_id::text
     AND l.action IN ('INSERT', 'UPDATE')
     -- The caller's read rule, as "Verified members read the cases they created or are
     -- assigned" and app.log_case_reads state it: no history of another's case.
     AND EXISTS (SELECT FROM public.medical_notes m
                  WHERE m.id = p_case_id
                    AND (m.user_id = (SELECT auth.uid()) OR m.provider_user_id = (SELECT auth.uid()))
                    AND m.institution_id = (SELECT app.current_member_institution()))
   ORDER BY l.at DESC, l.seq DESC
   LIMIT 200
$$;

ALTER FUNCTION public.case_history(p_case_id uuid) OWNER TO oxkair_definer;

--
-- Name: decide_membership(uuid, text); Type: FUNCTION; Schema: public; Owner: oxkair_definer
--

CREATE FUNCTION public.decide_membership(p_user uuid, p_decision text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_institution uuid := app.require_admin();
  v_before text;
BEGIN
  IF p_decision NOT IN ('verified', 'rejected') THEN
    RAISE EXCEPTION 'a decision is verified or rejected' USING ERRCODE = 'OX422';
  END IF;
  IF p_user = (SELECT auth.uid()) THEN
    RAISE EXCEPTION 'an administrator does not decide their own membership' USING ERRCODE = 'OX422';
  END IF;
  SELECT coalesce(p.verification_status, 'not verified') INTO v_before
    FROM public.profiles p WHERE p.id = p_user AND p.institution_id = v_institution FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such member of your institution' USING ERRCODE = 'OX404';
  END IF;
  IF v_before IS DISTINCT FROM p_decision THEN
    UPDATE public.profiles SET verification_status = p_decision WHERE id = p_user;
  END IF;
  PERFORM auth.log_event(CASE p_decision WHEN 'verified' THEN 'MEMBERSHIP_APPROVED'
                                         ELSE 'MEMBERSHIP_REJECTED' END,
                         p_user, jsonb_build_object('institution_id', v_institution, 'before', v_before));
  RETURN p_decision;
END
$$;

ALTER FUNCTION public.decide_membership(p_user uuid, p_decision text) OWNER TO oxkair_definer;

--
-- Name: institution_members(text); Type: FUNCTION; Schema: public; Owner: oxkair_definer
--

CREATE FUNCTION public.institution_members(p_status text DEFAULT NULL::text) RETURNS TABLE(id uuid, name text, email text, user_category text, verification_status text, is_admin boolean, created_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_institution uuid := app.require_admin();
BEGIN
  RETURN QUERY
  SELECT p.id, p.name, u.email, p.user_category, coalesce(p.verification_status, 'not verified'),
         EXISTS (SELECT FROM app.designations d WHERE d.user_id = p.id
                    AND d.designation = 'institution_admin' AND d.institution_id = v_institution),
         p.created_at
    FROM public.profiles p JOIN auth.users u ON u.id = p.id
   WHERE p.institution_id = v_institution
     AND (p_status IS NULL OR coalesce(p.verification_status, 'not verified') = p_status)
   ORDER BY coalesce(p.verification_status, 'not verified') = 'verified', p.created_at DESC, p.id;
END
$$;

ALTER FUNCTION public.institution_members(p_status text) OWNER TO oxkair_definer;

--
-- Name: institution_providers(); Type: FUNCTION; Schema: public; Owner: oxkair_definer
--

CREATE FUNCTION public.institution_providers() RETURNS TABLE(id uuid, name text, user_category text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT p.id, p.name, p.user_category
    FROM public.profiles p
   WHERE p.institution_id = (SELECT app.current_member_institution())
     AND p.user_category = 'Provider'
     AND p.verification_status = 'verified'
   ORDER BY p.name, p.id
$$;

ALTER FUNCTION public.institution_providers() OWNER TO oxkair_definer;

--
-- Name: my_institution(); Type: FUNCTION; Schema: public; Owner: oxkair_definer
--

CREATE FUNCTION public.my_institution() RETURNS TABLE(id uuid, name text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT i.id, i.name::text FROM public.institutions i
   WHERE i.id = (SELECT app.current_institution_id())
$$;

ALTER FUNCTION public.my_institution() OWNER TO oxkair_definer;

--
-- Name: next_case_number(); Type: FUNCTION; Schema: public; Owner: oxkair_definer
--

CREATE FUNCTION public.next_case_number() RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT 'CASE-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-'
         || lpad(nextval('app.case_number_seq')::text, 7, '0')
$$;

ALTER FUNCTION public.next_case_number() OWNER TO oxkair_definer;

--
-- Name: search_institutions(text, integer); Type: FUNCTION; Schema: public; Owner: oxkair_definer
--

CREATE FUNCTION public.search_institutions(q text, max_results integer DEFAULT 20) RETURNS TABLE(id uuid, name text, score real)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_key text := app.search_key(btrim(q));
  v_limit integer := least(greatest(coalesce(max_results, 20), 1), 20);
  v_ids uuid[] := '{}';
  v_words text[];
  v_phrase text;
  v_fixed text;
  v_step uuid[];
  v_n integer;
  v_phrases text[];
  v_variants text[];
  v_exact boolean;
BEGIN
  IF v_key IS NULL OR length(v_key) < 2 THEN
    RETURN;
  END IF;

  -- 1. Whole-name prefix (every key starting with v_key sorts in [v_key, v_key || U+10FFFF)).
  SELECT coalesce(array_agg(p.id), '{}') INTO v_step FROM (
    SELECT i.id FROM public.institutions i
     WHERE (app.search_key(i.name) COLLATE "C") >= (v_key COLLATE "C")
       AND (app.search_key(i.name) COLLATE "C") < ((v_key || chr(1114111)) COLLATE "C")
     ORDER BY (app.search_key(i.name) COLLATE "C")
     LIMIT v_limit
  ) p;
  RETURN QUERY
    SELECT i.id, i.name::text,
           (CASE WHEN k.key = v_key THEN 3 ELSE 2 END + extensions.similarity(k.key, v_key))::real AS score
      FROM public.institutions i
           CROSS JOIN LATERAL (SELECT app.search_key(i.name) AS key OFFSET 0) k  -- computed once
     WHERE i.id = ANY (v_step)
     ORDER BY score DESC, i.name, i.id;
  -- Whether the query is a whole name (then step 4 is not needed). Each hit by its primary key:
  -- an equality on the key would tempt the planner into the trigram index (every name sharing
  -- a trigram with it).
  v_exact := EXISTS (SELECT FROM unnest(v_step) AS x (id)
                       CROSS JOIN LATERAL (SELECT app.search_key(i.name) AS key FROM public.institutions i
                                            WHERE i.id = x.id OFFSET 0) k
                      WHERE k.key = v_key);
  v_ids := v_ids || v_step;

  v_words := app.search_phrase(q);
  IF cardinality(v_words) = 0 THEN
    RETURN;
  END IF;
  v_phrase := array_to_string(v_words, ' ');
  v_fixed := (SELECT string_agg(app.correct_word(t.w, t.n = cardinality(v_words)), ' ' ORDER BY t.n)
                FROM unnest(v_words) WITH ORDINALITY AS t (w, n));

  -- 2. Then 3.: a word of the name starts the (corrected) query.
  FOR v_n IN 1 .. 2 LOOP
    v_key := CASE v_n WHEN 1 THEN v_phrase ELSE v_fixed END;
    IF cardinality(v_ids) >= v_limit OR (v_n = 2 AND v_fixed = v_phrase) THEN
      EXIT;
    END IF;
    SELECT coalesce(array_agg(p.institution_id), '{}') INTO v_step FROM (
      SELECT DISTINCT ON (s.suffix, s.institution_id) s.suffix, s.institution_id
        FROM app.institution_suffixes s
       WHERE s.suffix >= v_key AND s.suffix < v_key || chr(1114111)
         AND NOT (s.institution_id = ANY (v_ids))
       ORDER BY s.suffix, s.institution_id
       LIMIT (v_limit - cardinality(v_ids)) * 2
    ) p;
    v_step := ARRAY(SELECT DISTINCT x FROM unnest(v_step) AS x LIMIT v_limit - cardinality(v_ids));
    RETURN QUERY
      SELECT i.id, i.name::text,
             ((CASE v_n WHEN 1 THEN 1 ELSE 0 END)
              + extensions.word_similarity(v_phrase, btrim(regexp_replace(app.search_key(i.name),
                                                                          '[^[:alnum:]]+', ' ', 'g'))))::real
             AS score
        FROM public.institutions i WHERE i.id = ANY (v_step)
       ORDER BY score DESC, i.name, i.id;
    v_ids := v_ids || v_step;
  END LOOP;
  -- 4. Abbreviations and typos in any word but the last ("mass general", "jons hopkins"): each
  --    such word stands for itself, the vocabulary words it begins and the ones close to it;
  --    the last word stays a prefix. At most 16 phrases, each one range scan as in 2.
  --    What people abbreviate is short: queries of 2 to 4 words, none of them a whole name.
  IF cardinality(v_ids) >= v_limit OR cardinality(v_words) NOT BETWEEN 2 AND 4 OR v_exact THEN
    RETURN;
  END IF;
  v_phrases := ARRAY[''];
  FOR v_n IN 1 .. cardinality(v_words) - 1 LOOP
    v_variants := app.word_variants(v_words[v_n]);
    v_phrases := ARRAY(
      SELECT ltrim(p.phrase || ' ' || c.word)
        FROM unnest(v_phrases) WITH ORDINALITY AS p (phrase, rank),
             unnest(v_variants) WITH ORDINALITY AS c (word, rank)
       ORDER BY p.rank + c.rank, p.rank
       LIMIT 16);
  END LOOP;
  v_key := split_part(v_fixed, ' ', cardinality(v_words));  -- the last word, typos corrected
  SELECT coalesce(array_agg(h.institution_id ORDER BY h.rank, h.institution_id), '{}') INTO v_step FROM (
    SELECT DISTINCT ON (s.institution_id) s.institution_id, p.rank
      FROM (SELECT t.phrase || ' ' || v_key AS phrase, t.rank
              FROM unnest(v_phrases) WITH ORDINALITY AS t (phrase, rank)) p
      CROSS JOIN LATERAL (
        SELECT x.institution_id FROM app.institution_suffixes x
         WHERE x.suffix >= p.phrase AND x.suffix < p.phrase || chr(1114111)
           AND NOT (x.institution_id = ANY (v_ids))
         ORDER BY x.suffix
         LIMIT v_limit - cardinality(v_ids)
      ) s
     WHERE p.phrase <> v_phrase AND p.phrase <> v_fixed  -- steps 2 and 3 scanned those
     ORDER BY s.institution_id, p.rank
  ) h;
  v_step := v_step[1:v_limit - cardinality(v_ids)];
  RETURN QUERY
    SELECT i.id, i.name::text,
           extensions.word_similarity(v_phrase, btrim(regexp_replace(app.search_key(i.name),
                                                                     '[^[:alnum:]]+', ' ', 'g')))::real AS score
      FROM public.institutions i WHERE i.id = ANY (v_step)
     ORDER BY score DESC, i.name, i.id;
END
$$;

ALTER FUNCTION public.search_institutions(q text, max_results integer) OWNER TO oxkair_definer;

--
-- Name: suggest_institutions(text); Type: FUNCTION; Schema: public; Owner: oxkair_definer
--

CREATE FUNCTION public.suggest_institutions(email text) RETURNS TABLE(id uuid, name text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  WITH domain AS (
    SELECT lower(btrim(split_part(email, '@', 2))) AS d WHERE position('@' IN email) > 0
  ), candidates AS (
    -- mail.mayoclinic.org also suggests mayoclinic.org
    SELECT array_agg(array_to_string((string_to_array(domain.d, '.'))[n:], '.')) AS names
      FROM domain, generate_series(1, greatest(array_length(string_to_array(domain.d, '.'), 1) - 1, 1)) AS n
     WHERE domain.d <> ''
  )
  SELECT i.id, i.name::text
    FROM public.institutions i, candidates
   WHERE i.email_domains && candidates.names
   ORDER BY i.name, i.id
   LIMIT 5
$$;

ALTER FUNCTION public.suggest_institutions(email text) OWNER TO oxkair_definer;

--
-- Name: case_number_seq; Type: SEQUENCE; Schema: app; Owner: oxkair_owner
--

CREATE SEQUENCE app.case_number_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER TABLE app.case_number_seq OWNER TO oxkair_owner;

--
-- Name: designations; Type: TABLE; Schema: app; Owner: oxkair_owner
--

CREATE TABLE app.designations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    designation text NOT NULL,
    institution_id uuid,
    granted_by uuid,
    granted_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT designations_designation_check CHECK ((designation = ANY (ARRAY['institution_admin'::text, 'privacy_officer'::text, 'global_auditor'::text]))),
    CONSTRAINT designations_scope CHECK (((designation = 'global_auditor'::text) = (institution_id IS NULL)))
);

ALTER TABLE ONLY app.designations FORCE ROW LEVEL SECURITY;

ALTER TABLE app.designations OWNER TO oxkair_owner;

--
-- Name: idempotency_keys; Type: TABLE; Schema: app; Owner: oxkair_owner
--

CREATE TABLE app.idempotency_keys (
    user_id uuid NOT NULL,
    key text NOT NULL,
    endpoint text NOT NULL,
    request_sha256 bytea NOT NULL,
    resource_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT idempotency_keys_key_check CHECK (((length(key) >= 1) AND (length(key) <= 255)))
);

ALTER TABLE ONLY app.idempotency_keys FORCE ROW LEVEL SECURITY;

ALTER TABLE app.idempotency_keys OWNER TO oxkair_owner;

--
-- Name: institution_hours; Type: TABLE; Schema: app; Owner: oxkair_owner
--

CREATE TABLE app.institution_hours (
    institution_id uuid NOT NULL,
    time_zone text DEFAULT 'UTC'::text NOT NULL,
    day_starts time without time zone DEFAULT '07:00:00'::time without time zone NOT NULL,
    day_ends time without time zone DEFAULT '19:00:00'::time without time zone NOT NULL,
    weekends_out_of_hours boolean DEFAULT true NOT NULL,
    CONSTRAINT institution_hours_order CHECK ((day_starts < day_ends))
);

ALTER TABLE ONLY app.institution_hours FORCE ROW LEVEL SECURITY;

ALTER TABLE app.institution_hours OWNER TO oxkair_owner;

--
-- Name: institution_suffixes; Type: TABLE; Schema: app; Owner: oxkair_owner
--

CREATE TABLE app.institution_suffixes (
    suffix text NOT NULL COLLATE pg_catalog."C",
    institution_id uuid NOT NULL
);

ALTER TABLE app.institution_suffixes OWNER TO oxkair_owner;

--
-- Name: institution_words; Type: TABLE; Schema: app; Owner: oxkair_owner
--

CREATE TABLE app.institution_words (
    word text NOT NULL
);

ALTER TABLE app.institution_words OWNER TO oxkair_owner;

--
-- Name: chain_head; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.chain_head (
    lane smallint NOT NULL,
    seq bigint DEFAULT 0 NOT NULL,
    hash bytea NOT NULL,
    prev_hash bytea,
    CONSTRAINT chain_head_lane_check CHECK (((lane >= 0) AND (lane <= 7)))
);

ALTER TABLE audit.chain_head OWNER TO oxkair_owner;

--
-- Name: log; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
)
PARTITION BY RANGE (at);

ALTER TABLE audit.log OWNER TO oxkair_owner;

--
-- Name: log_default; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_default (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_default OWNER TO oxkair_owner;

--
-- Name: log_y2024; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2024 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2024 OWNER TO oxkair_owner;

--
-- Name: log_y2025; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2025 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2025 OWNER TO oxkair_owner;

--
-- Name: log_y2026; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2026 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2026 OWNER TO oxkair_owner;

--
-- Name: log_y2027; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2027 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2027 OWNER TO oxkair_owner;

--
-- Name: log_y2028; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2028 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2028 OWNER TO oxkair_owner;

--
-- Name: log_y2029; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2029 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2029 OWNER TO oxkair_owner;

--
-- Name: log_y2030; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2030 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2030 OWNER TO oxkair_owner;

--
-- Name: log_y2031; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2031 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2031 OWNER TO oxkair_owner;

--
-- Name: log_y2032; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2032 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2032 OWNER TO oxkair_owner;

--
-- Name: log_y2033; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2033 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2033 OWNER TO oxkair_owner;

--
-- Name: log_y2034; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2034 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2034 OWNER TO oxkair_owner;

--
-- Name: log_y2035; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2035 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2035 OWNER TO oxkair_owner;

--
-- Name: log_y2036; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2036 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2036 OWNER TO oxkair_owner;

--
-- Name: log_y2037; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2037 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2037 OWNER TO oxkair_owner;

--
-- Name: log_y2038; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2038 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2038 OWNER TO oxkair_owner;

--
-- Name: log_y2039; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2039 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2039 OWNER TO oxkair_owner;

--
-- Name: log_y2040; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.log_y2040 (
    lane smallint NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    txid xid8 NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    session_role text NOT NULL,
    client_addr inet,
    action text NOT NULL,
    table_name text,
    row_id text,
    old_values jsonb,
    new_values jsonb,
    detail jsonb,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE audit.log_y2040 OWNER TO oxkair_owner;

--
-- Name: row_change_trigger; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.row_change_trigger (
    table_name text NOT NULL,
    never_recorded text[] DEFAULT '{}'::text[] NOT NULL,
    columns text[] NOT NULL,
    function_name text NOT NULL,
    generated_at timestamp with time zone DEFAULT now() NOT NULL,
    trigger_def text
);

ALTER TABLE audit.row_change_trigger OWNER TO oxkair_owner;

--
-- Name: verification_run; Type: TABLE; Schema: audit; Owner: oxkair_owner
--

CREATE TABLE audit.verification_run (
    at timestamp with time zone NOT NULL,
    entries bigint NOT NULL,
    problems integer NOT NULL
);

ALTER TABLE audit.verification_run OWNER TO oxkair_owner;

--
-- Name: email_changes; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.email_changes (
    token_hash bytea NOT NULL,
    user_id uuid NOT NULL,
    new_email text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT email_changes_new_email_format CHECK (((new_email = btrim(new_email)) AND (new_email ~~ '%_@_%'::text) AND (length(new_email) <= 320)))
);

ALTER TABLE ONLY auth.email_changes FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.email_changes OWNER TO oxkair_owner;

--
-- Name: login_failures; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.login_failures (
    email_key text NOT NULL,
    failures integer DEFAULT 0 NOT NULL,
    locked_until timestamp with time zone,
    last_failure_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY auth.login_failures FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.login_failures OWNER TO oxkair_owner;

--
-- Name: mfa_factors; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.mfa_factors (
    user_id uuid NOT NULL,
    secret text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    verified_at timestamp with time zone,
    last_used_step bigint DEFAULT 0 NOT NULL
);

ALTER TABLE ONLY auth.mfa_factors FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.mfa_factors OWNER TO oxkair_owner;

--
-- Name: one_time_tokens; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.one_time_tokens (
    token_hash bytea NOT NULL,
    user_id uuid NOT NULL,
    purpose text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    attempts integer DEFAULT 0 NOT NULL,
    CONSTRAINT one_time_tokens_purpose_check CHECK ((purpose = ANY (ARRAY['email_verification'::text, 'password_reset'::text, 'mfa_challenge'::text])))
);

ALTER TABLE ONLY auth.one_time_tokens FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.one_time_tokens OWNER TO oxkair_owner;

--
-- Name: outbox; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.outbox (
    id bigint NOT NULL,
    to_address text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text
);

ALTER TABLE ONLY auth.outbox FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.outbox OWNER TO oxkair_owner;

--
-- Name: outbox_id_seq; Type: SEQUENCE; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME auth.outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: rate_limits; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.rate_limits (
    bucket text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer NOT NULL
);

ALTER TABLE ONLY auth.rate_limits FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.rate_limits OWNER TO oxkair_owner;

--
-- Name: recovery_codes; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.recovery_codes (
    user_id uuid NOT NULL,
    code_hash bytea NOT NULL,
    used_at timestamp with time zone
);

ALTER TABLE ONLY auth.recovery_codes FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.recovery_codes OWNER TO oxkair_owner;

--
-- Name: refresh_tokens; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.refresh_tokens (
    token_hash bytea NOT NULL,
    session_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    used_at timestamp with time zone
);

ALTER TABLE ONLY auth.refresh_tokens FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.refresh_tokens OWNER TO oxkair_owner;

--
-- Name: sessions; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    aal text DEFAULT 'aal1'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    idle_timeout interval NOT NULL,
    not_after timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    revoked_reason text,
    client_addr inet,
    user_agent text,
    CONSTRAINT sessions_aal_check CHECK ((aal = ANY (ARRAY['aal1'::text, 'aal2'::text])))
);

ALTER TABLE ONLY auth.sessions FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.sessions OWNER TO oxkair_owner;

--
-- Name: users; Type: TABLE; Schema: auth; Owner: oxkair_owner
--

CREATE TABLE auth.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email text NOT NULL,
    password_hash text,
    email_confirmed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_sign_in_at timestamp with time zone,
    password_changed_at timestamp with time zone,
    disabled_at timestamp with time zone,
    banned_until timestamp with time zone,
    failed_login_count integer DEFAULT 0 NOT NULL,
    locked_until timestamp with time zone,
    external_issuer text,
    external_subject text,
    app_metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    user_metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    migrated_from text,
    CONSTRAINT users_email_format CHECK (((email = btrim(email)) AND (email ~~ '%_@_%'::text) AND (length(email) <= 320))),
    CONSTRAINT users_external_identity_pair CHECK (((external_issuer IS NULL) = (external_subject IS NULL))),
    CONSTRAINT users_failed_login_count_check CHECK ((failed_login_count >= 0))
);

ALTER TABLE ONLY auth.users FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.users OWNER TO oxkair_owner;

--
-- Name: chunks; Type: TABLE; Schema: migration; Owner: oxkair_owner
--

CREATE TABLE migration.chunks (
    table_name text NOT NULL,
    chunk_no integer NOT NULL,
    lo uuid,
    hi uuid,
    done boolean DEFAULT false NOT NULL,
    rows_copied bigint,
    content_sha256 text,
    seconds double precision,
    done_at timestamp with time zone
);

ALTER TABLE ONLY migration.chunks FORCE ROW LEVEL SECURITY;

ALTER TABLE migration.chunks OWNER TO oxkair_owner;

--
-- Name: flags; Type: TABLE; Schema: migration; Owner: oxkair_owner
--

CREATE TABLE migration.flags (
    table_name text NOT NULL,
    source_id text NOT NULL,
    reason text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY migration.flags FORCE ROW LEVEL SECURITY;

ALTER TABLE migration.flags OWNER TO oxkair_owner;

--
-- Name: identities; Type: TABLE; Schema: migration; Owner: oxkair_owner
--

CREATE TABLE migration.identities (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    provider text NOT NULL,
    provider_id text NOT NULL,
    email text,
    identity_data jsonb,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    last_sign_in_at timestamp with time zone,
    linked_at timestamp with time zone
);

ALTER TABLE ONLY migration.identities FORCE ROW LEVEL SECURITY;

ALTER TABLE migration.identities OWNER TO oxkair_owner;

--
-- Name: quarantine; Type: TABLE; Schema: migration; Owner: oxkair_owner
--

CREATE TABLE migration.quarantine (
    table_name text NOT NULL,
    source_id text NOT NULL,
    reason text NOT NULL,
    row_data jsonb,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    resolved_at timestamp with time zone,
    resolution text
);

ALTER TABLE ONLY migration.quarantine FORCE ROW LEVEL SECURITY;

ALTER TABLE migration.quarantine OWNER TO oxkair_owner;

--
-- Name: run_log; Type: TABLE; Schema: migration; Owner: oxkair_owner
--

CREATE TABLE migration.run_log (
    id bigint NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    source text NOT NULL,
    outcome text,
    detail jsonb
);

ALTER TABLE ONLY migration.run_log FORCE ROW LEVEL SECURITY;

ALTER TABLE migration.run_log OWNER TO oxkair_owner;

--
-- Name: run_log_id_seq; Type: SEQUENCE; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE migration.run_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migration.run_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: suspended_foreign_keys; Type: TABLE; Schema: migration; Owner: oxkair_owner
--

CREATE TABLE migration.suspended_foreign_keys (
    constraint_name text NOT NULL,
    definition text NOT NULL,
    suspended_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE migration.suspended_foreign_keys OWNER TO oxkair_owner;

--
-- Name: suspended_indexes; Type: TABLE; Schema: migration; Owner: oxkair_owner
--

CREATE TABLE migration.suspended_indexes (
    index_name text NOT NULL,
    definition text NOT NULL,
    suspended_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE migration.suspended_indexes OWNER TO oxkair_owner;

--
-- Name: table_state; Type: TABLE; Schema: migration; Owner: oxkair_owner
--

CREATE TABLE migration.table_state (
    table_name text NOT NULL,
    phase text NOT NULL,
    source_rows bigint NOT NULL,
    quarantined bigint DEFAULT 0 NOT NULL,
    excluded bigint DEFAULT 0 NOT NULL,
    migrated bigint DEFAULT 0 NOT NULL,
    content_sha256 text,
    classified_at timestamp with time zone DEFAULT now() NOT NULL,
    done_at timestamp with time zone,
    CONSTRAINT table_state_phase_check CHECK ((phase = ANY (ARRAY['classified'::text, 'done'::text])))
);

ALTER TABLE ONLY migration.table_state FORCE ROW LEVEL SECURITY;

ALTER TABLE migration.table_state OWNER TO oxkair_owner;

--
-- Name: _yoyo_log; Type: TABLE; Schema: oxkair_meta; Owner: oxkair_owner
--

CREATE TABLE oxkair_meta._yoyo_log (
    id character varying(36) NOT NULL,
    migration_hash character varying(64),
    migration_id character varying(255),
    operation character varying(10),
    username character varying(255),
    hostname character varying(255),
    comment character varying(255),
    created_at_utc timestamp without time zone
);

ALTER TABLE oxkair_meta._yoyo_log OWNER TO oxkair_owner;

--
-- Name: _yoyo_migration; Type: TABLE; Schema: oxkair_meta; Owner: oxkair_owner
--

CREATE TABLE oxkair_meta._yoyo_migration (
    migration_hash character varying(64) NOT NULL,
    migration_id character varying(255),
    applied_at_utc timestamp without time zone
);

ALTER TABLE oxkair_meta._yoyo_migration OWNER TO oxkair_owner;

--
-- Name: _yoyo_version; Type: TABLE; Schema: oxkair_meta; Owner: oxkair_owner
--

CREATE TABLE oxkair_meta._yoyo_version (
    version integer NOT NULL,
    installed_at_utc timestamp without time zone
);

ALTER TABLE oxkair_meta._yoyo_version OWNER TO oxkair_owner;

--
-- Name: yoyo_lock; Type: TABLE; Schema: oxkair_meta; Owner: oxkair_owner
--

CREATE TABLE oxkair_meta.yoyo_lock (
    locked integer DEFAULT 1 NOT NULL,
    ctime timestamp without time zone,
    pid integer NOT NULL
);

ALTER TABLE oxkair_meta.yoyo_lock OWNER TO oxkair_owner;

--
-- Name: institutions; Type: TABLE; Schema: public; Owner: oxkair_owner
--

CREATE TABLE public.institutions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying NOT NULL,
    email_domains text[],
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now()
);

ALTER TABLE public.institutions OWNER TO oxkair_owner;

--
-- Name: medical_notes; Type: TABLE; Schema: public; Owner: oxkair_owner
--

CREATE TABLE public.medical_notes (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    mrn text,
    date_of_service timestamp with time zone,
    insurance_provider text,
    status text DEFAULT 'INCOMPLETE'::text,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    operative_notes text,
    admission_notes text,
    discharge_notes text,
    pathology_notes text,
    progress_notes text,
    bedside_notes text,
    billable_notes text[],
    ai_raw_output jsonb,
    panel_data jsonb,
    final_processed_data jsonb,
    summary_data jsonb,
    workflow_status character varying DEFAULT 'processing'::character varying,
    case_number character varying NOT NULL,
    provider_user_id uuid,
    institution_id uuid,
    CONSTRAINT medical_notes_status_check CHECK ((status = ANY (ARRAY['INCOMPLETE'::text, 'PENDING_CODER_REVIEW'::text, 'PENDING_PROVIDER_REVIEW'::text, 'PENDING_BILLING'::text])))
);
ALTER TABLE ONLY public.medical_notes ALTER COLUMN operative_notes SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN admission_notes SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN discharge_notes SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN pathology_notes SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN progress_notes SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN bedside_notes SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN billable_notes SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN ai_raw_output SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN panel_data SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN final_processed_data SET COMPRESSION lz4;
ALTER TABLE ONLY public.medical_notes ALTER COLUMN summary_data SET COMPRESSION lz4;

ALTER TABLE ONLY public.medical_notes FORCE ROW LEVEL SECURITY;

ALTER TABLE public.medical_notes OWNER TO oxkair_owner;

--
-- Name: profiles; Type: TABLE; Schema: public; Owner: oxkair_owner
--

CREATE TABLE public.profiles (
    id uuid NOT NULL,
    first_name text,
    last_name text,
    name text GENERATED ALWAYS AS (
CASE
    WHEN ((first_name IS NULL) AND (last_name IS NULL)) THEN NULL::text
    WHEN (first_name IS NULL) THEN last_name
    WHEN (last_name IS NULL) THEN first_name
    ELSE ((first_name || ' '::text) || last_name)
END) STORED,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    user_category text,
    npi text,
    recovery_email text,
    phone_number text,
    verification_status text DEFAULT 'not verified'::text,
    institution_id uuid,
    CONSTRAINT profiles_user_category_check CHECK ((user_category = ANY (ARRAY['Provider'::text, 'Medical Coder'::text]))),
    CONSTRAINT profiles_verification_status_check CHECK ((verification_status = ANY (ARRAY['not verified'::text, 'verified'::text, 'rejected'::text])))
);

ALTER TABLE ONLY public.profiles FORCE ROW LEVEL SECURITY;

ALTER TABLE public.profiles OWNER TO oxkair_owner;

--
-- Name: user_settings; Type: TABLE; Schema: public; Owner: oxkair_owner
--

CREATE TABLE public.user_settings (
    id uuid NOT NULL,
    theme text DEFAULT 'light'::text,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now()
);

ALTER TABLE ONLY public.user_settings FORCE ROW LEVEL SECURITY;

ALTER TABLE public.user_settings OWNER TO oxkair_owner;

--
-- Name: log_default; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_default DEFAULT;

--
-- Name: log_y2024; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2024 FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

--
-- Name: log_y2025; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2025 FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');

--
-- Name: log_y2026; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2026 FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');

--
-- Name: log_y2027; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2027 FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2028-01-01 00:00:00+00');

--
-- Name: log_y2028; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2028 FOR VALUES FROM ('2028-01-01 00:00:00+00') TO ('2029-01-01 00:00:00+00');

--
-- Name: log_y2029; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2029 FOR VALUES FROM ('2029-01-01 00:00:00+00') TO ('2030-01-01 00:00:00+00');

--
-- Name: log_y2030; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2030 FOR VALUES FROM ('2030-01-01 00:00:00+00') TO ('2031-01-01 00:00:00+00');

--
-- Name: log_y2031; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2031 FOR VALUES FROM ('2031-01-01 00:00:00+00') TO ('2032-01-01 00:00:00+00');

--
-- Name: log_y2032; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2032 FOR VALUES FROM ('2032-01-01 00:00:00+00') TO ('2033-01-01 00:00:00+00');

--
-- Name: log_y2033; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2033 FOR VALUES FROM ('2033-01-01 00:00:00+00') TO ('2034-01-01 00:00:00+00');

--
-- Name: log_y2034; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2034 FOR VALUES FROM ('2034-01-01 00:00:00+00') TO ('2035-01-01 00:00:00+00');

--
-- Name: log_y2035; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2035 FOR VALUES FROM ('2035-01-01 00:00:00+00') TO ('2036-01-01 00:00:00+00');

--
-- Name: log_y2036; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2036 FOR VALUES FROM ('2036-01-01 00:00:00+00') TO ('2037-01-01 00:00:00+00');

--
-- Name: log_y2037; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2037 FOR VALUES FROM ('2037-01-01 00:00:00+00') TO ('2038-01-01 00:00:00+00');

--
-- Name: log_y2038; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2038 FOR VALUES FROM ('2038-01-01 00:00:00+00') TO ('2039-01-01 00:00:00+00');

--
-- Name: log_y2039; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2039 FOR VALUES FROM ('2039-01-01 00:00:00+00') TO ('2040-01-01 00:00:00+00');

--
-- Name: log_y2040; Type: TABLE ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log ATTACH PARTITION audit.log_y2040 FOR VALUES FROM ('2040-01-01 00:00:00+00') TO ('2041-01-01 00:00:00+00');

--
-- Name: designations designations_once; Type: CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.designations
    ADD CONSTRAINT designations_once UNIQUE NULLS NOT DISTINCT (user_id, designation, institution_id);

--
-- Name: designations designations_pkey; Type: CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.designations
    ADD CONSTRAINT designations_pkey PRIMARY KEY (id);

--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key);

--
-- Name: institution_hours institution_hours_pkey; Type: CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.institution_hours
    ADD CONSTRAINT institution_hours_pkey PRIMARY KEY (institution_id);

--
-- Name: institution_suffixes institution_suffixes_pkey; Type: CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.institution_suffixes
    ADD CONSTRAINT institution_suffixes_pkey PRIMARY KEY (suffix, institution_id);

--
-- Name: institution_words institution_words_pkey; Type: CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.institution_words
    ADD CONSTRAINT institution_words_pkey PRIMARY KEY (word);

--
-- Name: chain_head chain_head_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.chain_head
    ADD CONSTRAINT chain_head_pkey PRIMARY KEY (lane);

--
-- Name: log log_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log
    ADD CONSTRAINT log_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_default log_default_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_default
    ADD CONSTRAINT log_default_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2024 log_y2024_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2024
    ADD CONSTRAINT log_y2024_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2025 log_y2025_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2025
    ADD CONSTRAINT log_y2025_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2026 log_y2026_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2026
    ADD CONSTRAINT log_y2026_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2027 log_y2027_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2027
    ADD CONSTRAINT log_y2027_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2028 log_y2028_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2028
    ADD CONSTRAINT log_y2028_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2029 log_y2029_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2029
    ADD CONSTRAINT log_y2029_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2030 log_y2030_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2030
    ADD CONSTRAINT log_y2030_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2031 log_y2031_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2031
    ADD CONSTRAINT log_y2031_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2032 log_y2032_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2032
    ADD CONSTRAINT log_y2032_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2033 log_y2033_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2033
    ADD CONSTRAINT log_y2033_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2034 log_y2034_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2034
    ADD CONSTRAINT log_y2034_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2035 log_y2035_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2035
    ADD CONSTRAINT log_y2035_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2036 log_y2036_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2036
    ADD CONSTRAINT log_y2036_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2037 log_y2037_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2037
    ADD CONSTRAINT log_y2037_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2038 log_y2038_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2038
    ADD CONSTRAINT log_y2038_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2039 log_y2039_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2039
    ADD CONSTRAINT log_y2039_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: log_y2040 log_y2040_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.log_y2040
    ADD CONSTRAINT log_y2040_pkey PRIMARY KEY (lane, seq, at);

--
-- Name: row_change_trigger row_change_trigger_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.row_change_trigger
    ADD CONSTRAINT row_change_trigger_pkey PRIMARY KEY (table_name);

--
-- Name: verification_run verification_run_pkey; Type: CONSTRAINT; Schema: audit; Owner: oxkair_owner
--

ALTER TABLE ONLY audit.verification_run
    ADD CONSTRAINT verification_run_pkey PRIMARY KEY (at);

--
-- Name: email_changes email_changes_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.email_changes
    ADD CONSTRAINT email_changes_pkey PRIMARY KEY (token_hash);

--
-- Name: login_failures login_failures_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.login_failures
    ADD CONSTRAINT login_failures_pkey PRIMARY KEY (email_key);

--
-- Name: mfa_factors mfa_factors_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.mfa_factors
    ADD CONSTRAINT mfa_factors_pkey PRIMARY KEY (user_id);

--
-- Name: one_time_tokens one_time_tokens_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.one_time_tokens
    ADD CONSTRAINT one_time_tokens_pkey PRIMARY KEY (token_hash);

--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);

--
-- Name: rate_limits rate_limits_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.rate_limits
    ADD CONSTRAINT rate_limits_pkey PRIMARY KEY (bucket);

--
-- Name: recovery_codes recovery_codes_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.recovery_codes
    ADD CONSTRAINT recovery_codes_pkey PRIMARY KEY (user_id, code_hash);

--
-- Name: refresh_tokens refresh_tokens_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.refresh_tokens
    ADD CONSTRAINT refresh_tokens_pkey PRIMARY KEY (token_hash);

--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);

--
-- Name: users users_external_identity_key; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.users
    ADD CONSTRAINT users_external_identity_key UNIQUE (external_issuer, external_subject);

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

--
-- Name: chunks chunks_pkey; Type: CONSTRAINT; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE ONLY migration.chunks
    ADD CONSTRAINT chunks_pkey PRIMARY KEY (table_name, chunk_no);

--
-- Name: flags flags_pkey; Type: CONSTRAINT; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE ONLY migration.flags
    ADD CONSTRAINT flags_pkey PRIMARY KEY (table_name, source_id, reason);

--
-- Name: identities identities_pkey; Type: CONSTRAINT; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE ONLY migration.identities
    ADD CONSTRAINT identities_pkey PRIMARY KEY (id);

--
-- Name: quarantine quarantine_pkey; Type: CONSTRAINT; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE ONLY migration.quarantine
    ADD CONSTRAINT quarantine_pkey PRIMARY KEY (table_name, source_id);

--
-- Name: run_log run_log_pkey; Type: CONSTRAINT; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE ONLY migration.run_log
    ADD CONSTRAINT run_log_pkey PRIMARY KEY (id);

--
-- Name: suspended_foreign_keys suspended_foreign_keys_pkey; Type: CONSTRAINT; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE ONLY migration.suspended_foreign_keys
    ADD CONSTRAINT suspended_foreign_keys_pkey PRIMARY KEY (constraint_name);

--
-- Name: suspended_indexes suspended_indexes_pkey; Type: CONSTRAINT; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE ONLY migration.suspended_indexes
    ADD CONSTRAINT suspended_indexes_pkey PRIMARY KEY (index_name);

--
-- Name: table_state table_state_pkey; Type: CONSTRAINT; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE ONLY migration.table_state
    ADD CONSTRAINT table_state_pkey PRIMARY KEY (table_name);

--
-- Name: _yoyo_log _yoyo_log_pkey; Type: CONSTRAINT; Schema: oxkair_meta; Owner: oxkair_owner
--

ALTER TABLE ONLY oxkair_meta._yoyo_log
    ADD CONSTRAINT _yoyo_log_pkey PRIMARY KEY (id);

--
-- Name: _yoyo_migration _yoyo_migration_pkey; Type: CONSTRAINT; Schema: oxkair_meta; Owner: oxkair_owner
--

ALTER TABLE ONLY oxkair_meta._yoyo_migration
    ADD CONSTRAINT _yoyo_migration_pkey PRIMARY KEY (migration_hash);

--
-- Name: _yoyo_version _yoyo_version_pkey; Type: CONSTRAINT; Schema: oxkair_meta; Owner: oxkair_owner
--

ALTER TABLE ONLY oxkair_meta._yoyo_version
    ADD CONSTRAINT _yoyo_version_pkey PRIMARY KEY (version);

--
-- Name: yoyo_lock yoyo_lock_pkey; Type: CONSTRAINT; Schema: oxkair_meta; Owner: oxkair_owner
--

ALTER TABLE ONLY oxkair_meta.yoyo_lock
    ADD CONSTRAINT yoyo_lock_pkey PRIMARY KEY (locked);

--
-- Name: institutions institutions_pkey; Type: CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.institutions
    ADD CONSTRAINT institutions_pkey PRIMARY KEY (id);

--
-- Name: medical_notes medical_notes_case_number_key; Type: CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.medical_notes
    ADD CONSTRAINT medical_notes_case_number_key UNIQUE (case_number);

--
-- Name: medical_notes medical_notes_pkey; Type: CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.medical_notes
    ADD CONSTRAINT medical_notes_pkey PRIMARY KEY (id);

--
-- Name: profiles profiles_pkey; Type: CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.profiles
    ADD CONSTRAINT profiles_pkey PRIMARY KEY (id);

--
-- Name: user_settings user_settings_pkey; Type: CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.user_settings
    ADD CONSTRAINT user_settings_pkey PRIMARY KEY (id);

--
-- Name: designations_institution_id_idx; Type: INDEX; Schema: app; Owner: oxkair_owner
--

CREATE INDEX designations_institution_id_idx ON app.designations USING btree (institution_id, designation);

--
-- Name: idempotency_keys_created_at_idx; Type: INDEX; Schema: app; Owner: oxkair_owner
--

CREATE INDEX idempotency_keys_created_at_idx ON app.idempotency_keys USING btree (created_at);

--
-- Name: institution_suffixes_institution_id_idx; Type: INDEX; Schema: app; Owner: oxkair_owner
--

CREATE INDEX institution_suffixes_institution_id_idx ON app.institution_suffixes USING btree (institution_id);

--
-- Name: institution_words_prefix_idx; Type: INDEX; Schema: app; Owner: oxkair_owner
--

CREATE INDEX institution_words_prefix_idx ON app.institution_words USING btree (word COLLATE "C");

--
-- Name: institution_words_trgm_idx; Type: INDEX; Schema: app; Owner: oxkair_owner
--

CREATE INDEX institution_words_trgm_idx ON app.institution_words USING gin (word extensions.gin_trgm_ops) WITH (fastupdate=off);

--
-- Name: log_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_actor_user_id_at_idx ON ONLY audit.log USING btree (actor_user_id, at);

--
-- Name: log_default_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_default_actor_user_id_at_idx ON audit.log_default USING btree (actor_user_id, at);

--
-- Name: log_read_row_ids_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_read_row_ids_idx ON ONLY audit.log USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_default_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_default_expr_idx ON audit.log_default USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_table_name_row_id_idx ON ONLY audit.log USING btree (table_name, row_id);

--
-- Name: log_default_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_default_table_name_row_id_idx ON audit.log_default USING btree (table_name, row_id);

--
-- Name: log_y2024_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2024_actor_user_id_at_idx ON audit.log_y2024 USING btree (actor_user_id, at);

--
-- Name: log_y2024_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2024_expr_idx ON audit.log_y2024 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2024_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2024_table_name_row_id_idx ON audit.log_y2024 USING btree (table_name, row_id);

--
-- Name: log_y2025_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2025_actor_user_id_at_idx ON audit.log_y2025 USING btree (actor_user_id, at);

--
-- Name: log_y2025_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2025_expr_idx ON audit.log_y2025 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2025_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2025_table_name_row_id_idx ON audit.log_y2025 USING btree (table_name, row_id);

--
-- Name: log_y2026_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2026_actor_user_id_at_idx ON audit.log_y2026 USING btree (actor_user_id, at);

--
-- Name: log_y2026_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2026_expr_idx ON audit.log_y2026 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2026_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2026_table_name_row_id_idx ON audit.log_y2026 USING btree (table_name, row_id);

--
-- Name: log_y2027_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2027_actor_user_id_at_idx ON audit.log_y2027 USING btree (actor_user_id, at);

--
-- Name: log_y2027_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2027_expr_idx ON audit.log_y2027 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2027_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2027_table_name_row_id_idx ON audit.log_y2027 USING btree (table_name, row_id);

--
-- Name: log_y2028_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2028_actor_user_id_at_idx ON audit.log_y2028 USING btree (actor_user_id, at);

--
-- Name: log_y2028_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2028_expr_idx ON audit.log_y2028 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2028_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2028_table_name_row_id_idx ON audit.log_y2028 USING btree (table_name, row_id);

--
-- Name: log_y2029_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2029_actor_user_id_at_idx ON audit.log_y2029 USING btree (actor_user_id, at);

--
-- Name: log_y2029_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2029_expr_idx ON audit.log_y2029 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2029_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2029_table_name_row_id_idx ON audit.log_y2029 USING btree (table_name, row_id);

--
-- Name: log_y2030_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2030_actor_user_id_at_idx ON audit.log_y2030 USING btree (actor_user_id, at);

--
-- Name: log_y2030_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2030_expr_idx ON audit.log_y2030 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2030_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2030_table_name_row_id_idx ON audit.log_y2030 USING btree (table_name, row_id);

--
-- Name: log_y2031_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2031_actor_user_id_at_idx ON audit.log_y2031 USING btree (actor_user_id, at);

--
-- Name: log_y2031_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2031_expr_idx ON audit.log_y2031 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2031_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2031_table_name_row_id_idx ON audit.log_y2031 USING btree (table_name, row_id);

--
-- Name: log_y2032_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2032_actor_user_id_at_idx ON audit.log_y2032 USING btree (actor_user_id, at);

--
-- Name: log_y2032_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2032_expr_idx ON audit.log_y2032 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2032_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2032_table_name_row_id_idx ON audit.log_y2032 USING btree (table_name, row_id);

--
-- Name: log_y2033_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2033_actor_user_id_at_idx ON audit.log_y2033 USING btree (actor_user_id, at);

--
-- Name: log_y2033_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2033_expr_idx ON audit.log_y2033 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2033_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2033_table_name_row_id_idx ON audit.log_y2033 USING btree (table_name, row_id);

--
-- Name: log_y2034_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2034_actor_user_id_at_idx ON audit.log_y2034 USING btree (actor_user_id, at);

--
-- Name: log_y2034_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2034_expr_idx ON audit.log_y2034 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2034_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2034_table_name_row_id_idx ON audit.log_y2034 USING btree (table_name, row_id);

--
-- Name: log_y2035_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2035_actor_user_id_at_idx ON audit.log_y2035 USING btree (actor_user_id, at);

--
-- Name: log_y2035_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2035_expr_idx ON audit.log_y2035 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2035_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2035_table_name_row_id_idx ON audit.log_y2035 USING btree (table_name, row_id);

--
-- Name: log_y2036_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2036_actor_user_id_at_idx ON audit.log_y2036 USING btree (actor_user_id, at);

--
-- Name: log_y2036_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2036_expr_idx ON audit.log_y2036 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2036_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2036_table_name_row_id_idx ON audit.log_y2036 USING btree (table_name, row_id);

--
-- Name: log_y2037_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2037_actor_user_id_at_idx ON audit.log_y2037 USING btree (actor_user_id, at);

--
-- Name: log_y2037_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2037_expr_idx ON audit.log_y2037 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2037_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2037_table_name_row_id_idx ON audit.log_y2037 USING btree (table_name, row_id);

--
-- Name: log_y2038_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2038_actor_user_id_at_idx ON audit.log_y2038 USING btree (actor_user_id, at);

--
-- Name: log_y2038_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2038_expr_idx ON audit.log_y2038 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2038_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2038_table_name_row_id_idx ON audit.log_y2038 USING btree (table_name, row_id);

--
-- Name: log_y2039_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2039_actor_user_id_at_idx ON audit.log_y2039 USING btree (actor_user_id, at);

--
-- Name: log_y2039_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2039_expr_idx ON audit.log_y2039 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2039_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2039_table_name_row_id_idx ON audit.log_y2039 USING btree (table_name, row_id);

--
-- Name: log_y2040_actor_user_id_at_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2040_actor_user_id_at_idx ON audit.log_y2040 USING btree (actor_user_id, at);

--
-- Name: log_y2040_expr_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2040_expr_idx ON audit.log_y2040 USING gin (((detail -> 'row_ids'::text)) jsonb_path_ops) WITH (fastupdate=off) WHERE (action = 'READ'::text);

--
-- Name: log_y2040_table_name_row_id_idx; Type: INDEX; Schema: audit; Owner: oxkair_owner
--

CREATE INDEX log_y2040_table_name_row_id_idx ON audit.log_y2040 USING btree (table_name, row_id);

--
-- Name: email_changes_user_id_idx; Type: INDEX; Schema: auth; Owner: oxkair_owner
--

CREATE INDEX email_changes_user_id_idx ON auth.email_changes USING btree (user_id);

--
-- Name: one_time_tokens_user_id_purpose_idx; Type: INDEX; Schema: auth; Owner: oxkair_owner
--

CREATE INDEX one_time_tokens_user_id_purpose_idx ON auth.one_time_tokens USING btree (user_id, purpose);

--
-- Name: outbox_pending_idx; Type: INDEX; Schema: auth; Owner: oxkair_owner
--

CREATE INDEX outbox_pending_idx ON auth.outbox USING btree (id) WHERE (sent_at IS NULL);

--
-- Name: refresh_tokens_session_id_idx; Type: INDEX; Schema: auth; Owner: oxkair_owner
--

CREATE INDEX refresh_tokens_session_id_idx ON auth.refresh_tokens USING btree (session_id);

--
-- Name: sessions_user_id_idx; Type: INDEX; Schema: auth; Owner: oxkair_owner
--

CREATE INDEX sessions_user_id_idx ON auth.sessions USING btree (user_id) WHERE (revoked_at IS NULL);

--
-- Name: users_email_lower_key; Type: INDEX; Schema: auth; Owner: oxkair_owner
--

CREATE UNIQUE INDEX users_email_lower_key ON auth.users USING btree (lower(email));

--
-- Name: identities_user_id_idx; Type: INDEX; Schema: migration; Owner: oxkair_owner
--

CREATE INDEX identities_user_id_idx ON migration.identities USING btree (user_id);

--
-- Name: institutions_email_domains_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX institutions_email_domains_idx ON public.institutions USING gin (email_domains);

--
-- Name: institutions_name_trgm_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX institutions_name_trgm_idx ON public.institutions USING gin (app.search_key((name)::text) extensions.gin_trgm_ops);

--
-- Name: institutions_search_key_prefix_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX institutions_search_key_prefix_idx ON public.institutions USING btree (app.search_key((name)::text) COLLATE "C");

--
-- Name: medical_notes_institution_id_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX medical_notes_institution_id_idx ON public.medical_notes USING btree (institution_id);

--
-- Name: medical_notes_mrn_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX medical_notes_mrn_idx ON public.medical_notes USING btree (mrn, institution_id);

--
-- Name: medical_notes_provider_user_id_created_at_id_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX medical_notes_provider_user_id_created_at_id_idx ON public.medical_notes USING btree (provider_user_id, created_at DESC NULLS LAST, id DESC) WHERE (provider_user_id IS NOT NULL);

--
-- Name: medical_notes_provider_user_id_status_created_at_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX medical_notes_provider_user_id_status_created_at_idx ON public.medical_notes USING btree (provider_user_id, status, created_at DESC);

--
-- Name: medical_notes_user_id_created_at_id_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX medical_notes_user_id_created_at_id_idx ON public.medical_notes USING btree (user_id, created_at DESC NULLS LAST, id DESC);

--
-- Name: medical_notes_user_id_status_created_at_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX medical_notes_user_id_status_created_at_idx ON public.medical_notes USING btree (user_id, status, created_at DESC);

--
-- Name: profiles_institution_id_user_category_idx; Type: INDEX; Schema: public; Owner: oxkair_owner
--

CREATE INDEX profiles_institution_id_user_category_idx ON public.profiles USING btree (institution_id, user_category);

--
-- Name: log_default_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_default_actor_user_id_at_idx;

--
-- Name: log_default_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_default_expr_idx;

--
-- Name: log_default_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_default_pkey;

--
-- Name: log_default_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_default_table_name_row_id_idx;

--
-- Name: log_y2024_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2024_actor_user_id_at_idx;

--
-- Name: log_y2024_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2024_expr_idx;

--
-- Name: log_y2024_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2024_pkey;

--
-- Name: log_y2024_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2024_table_name_row_id_idx;

--
-- Name: log_y2025_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2025_actor_user_id_at_idx;

--
-- Name: log_y2025_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2025_expr_idx;

--
-- Name: log_y2025_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2025_pkey;

--
-- Name: log_y2025_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2025_table_name_row_id_idx;

--
-- Name: log_y2026_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2026_actor_user_id_at_idx;

--
-- Name: log_y2026_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2026_expr_idx;

--
-- Name: log_y2026_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2026_pkey;

--
-- Name: log_y2026_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2026_table_name_row_id_idx;

--
-- Name: log_y2027_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2027_actor_user_id_at_idx;

--
-- Name: log_y2027_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2027_expr_idx;

--
-- Name: log_y2027_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2027_pkey;

--
-- Name: log_y2027_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2027_table_name_row_id_idx;

--
-- Name: log_y2028_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2028_actor_user_id_at_idx;

--
-- Name: log_y2028_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2028_expr_idx;

--
-- Name: log_y2028_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2028_pkey;

--
-- Name: log_y2028_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2028_table_name_row_id_idx;

--
-- Name: log_y2029_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2029_actor_user_id_at_idx;

--
-- Name: log_y2029_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2029_expr_idx;

--
-- Name: log_y2029_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2029_pkey;

--
-- Name: log_y2029_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2029_table_name_row_id_idx;

--
-- Name: log_y2030_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2030_actor_user_id_at_idx;

--
-- Name: log_y2030_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2030_expr_idx;

--
-- Name: log_y2030_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2030_pkey;

--
-- Name: log_y2030_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2030_table_name_row_id_idx;

--
-- Name: log_y2031_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2031_actor_user_id_at_idx;

--
-- Name: log_y2031_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2031_expr_idx;

--
-- Name: log_y2031_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2031_pkey;

--
-- Name: log_y2031_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2031_table_name_row_id_idx;

--
-- Name: log_y2032_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2032_actor_user_id_at_idx;

--
-- Name: log_y2032_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2032_expr_idx;

--
-- Name: log_y2032_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2032_pkey;

--
-- Name: log_y2032_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2032_table_name_row_id_idx;

--
-- Name: log_y2033_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2033_actor_user_id_at_idx;

--
-- Name: log_y2033_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2033_expr_idx;

--
-- Name: log_y2033_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2033_pkey;

--
-- Name: log_y2033_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2033_table_name_row_id_idx;

--
-- Name: log_y2034_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2034_actor_user_id_at_idx;

--
-- Name: log_y2034_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2034_expr_idx;

--
-- Name: log_y2034_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2034_pkey;

--
-- Name: log_y2034_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2034_table_name_row_id_idx;

--
-- Name: log_y2035_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2035_actor_user_id_at_idx;

--
-- Name: log_y2035_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2035_expr_idx;

--
-- Name: log_y2035_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2035_pkey;

--
-- Name: log_y2035_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2035_table_name_row_id_idx;

--
-- Name: log_y2036_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2036_actor_user_id_at_idx;

--
-- Name: log_y2036_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2036_expr_idx;

--
-- Name: log_y2036_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2036_pkey;

--
-- Name: log_y2036_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2036_table_name_row_id_idx;

--
-- Name: log_y2037_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2037_actor_user_id_at_idx;

--
-- Name: log_y2037_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2037_expr_idx;

--
-- Name: log_y2037_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2037_pkey;

--
-- Name: log_y2037_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2037_table_name_row_id_idx;

--
-- Name: log_y2038_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2038_actor_user_id_at_idx;

--
-- Name: log_y2038_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2038_expr_idx;

--
-- Name: log_y2038_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2038_pkey;

--
-- Name: log_y2038_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2038_table_name_row_id_idx;

--
-- Name: log_y2039_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2039_actor_user_id_at_idx;

--
-- Name: log_y2039_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2039_expr_idx;

--
-- Name: log_y2039_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2039_pkey;

--
-- Name: log_y2039_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2039_table_name_row_id_idx;

--
-- Name: log_y2040_actor_user_id_at_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_actor_user_id_at_idx ATTACH PARTITION audit.log_y2040_actor_user_id_at_idx;

--
-- Name: log_y2040_expr_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_read_row_ids_idx ATTACH PARTITION audit.log_y2040_expr_idx;

--
-- Name: log_y2040_pkey; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_pkey ATTACH PARTITION audit.log_y2040_pkey;

--
-- Name: log_y2040_table_name_row_id_idx; Type: INDEX ATTACH; Schema: audit; Owner: oxkair_owner
--

ALTER INDEX audit.log_table_name_row_id_idx ATTACH PARTITION audit.log_y2040_table_name_row_id_idx;

--
-- Name: designations tg_designations__audit; Type: TRIGGER; Schema: app; Owner: oxkair_owner
--

CREATE TRIGGER tg_designations__audit AFTER INSERT OR DELETE OR UPDATE ON app.designations FOR EACH ROW WHEN (((current_setting('oxkair.bulk_load'::text, true) IS DISTINCT FROM 'on'::text) OR (NOT pg_has_role(CURRENT_USER, 'oxkair_migrator'::name, 'MEMBER'::text)))) EXECUTE FUNCTION audit.tg_app_designations__row_change();

--
-- Name: institution_hours tg_institution_hours__audit; Type: TRIGGER; Schema: app; Owner: oxkair_owner
--

CREATE TRIGGER tg_institution_hours__audit AFTER INSERT OR DELETE OR UPDATE ON app.institution_hours FOR EACH ROW WHEN (((current_setting('oxkair.bulk_load'::text, true) IS DISTINCT FROM 'on'::text) OR (NOT pg_has_role(CURRENT_USER, 'oxkair_migrator'::name, 'MEMBER'::text)))) EXECUTE FUNCTION audit.tg_app_institution_hours__row_change();

--
-- Name: log tg_log__append_only; Type: TRIGGER; Schema: audit; Owner: oxkair_owner
--

CREATE TRIGGER tg_log__append_only BEFORE DELETE OR UPDATE ON audit.log FOR EACH ROW EXECUTE FUNCTION audit.tg__forbid_change();

--
-- Name: log tg_log__no_truncate; Type: TRIGGER; Schema: audit; Owner: oxkair_owner
--

CREATE TRIGGER tg_log__no_truncate BEFORE TRUNCATE ON audit.log FOR EACH STATEMENT EXECUTE FUNCTION audit.tg__forbid_change();

--
-- Name: verification_run tg_verification_run__append_only; Type: TRIGGER; Schema: audit; Owner: oxkair_owner
--

CREATE TRIGGER tg_verification_run__append_only BEFORE DELETE OR UPDATE ON audit.verification_run FOR EACH ROW EXECUTE FUNCTION audit.tg__forbid_change();

--
-- Name: users tg_users__audit; Type: TRIGGER; Schema: auth; Owner: oxkair_owner
--

CREATE TRIGGER tg_users__audit AFTER INSERT OR DELETE OR UPDATE ON auth.users FOR EACH ROW WHEN (((current_setting('oxkair.bulk_load'::text, true) IS DISTINCT FROM 'on'::text) OR (NOT pg_has_role(CURRENT_USER, 'oxkair_migrator'::name, 'MEMBER'::text)))) EXECUTE FUNCTION audit.tg_auth_users__row_change();

--
-- Name: users tg_users__membership_by_domain; Type: TRIGGER; Schema: auth; Owner: oxkair_owner
--

CREATE TRIGGER tg_users__membership_by_domain AFTER UPDATE OF email_confirmed_at ON auth.users FOR EACH ROW WHEN (((old.email_confirmed_at IS NULL) AND (new.email_confirmed_at IS NOT NULL))) EXECUTE FUNCTION app.tg_users__membership_by_domain();

--
-- Name: users tg_users__set_updated_at; Type: TRIGGER; Schema: auth; Owner: oxkair_owner
--

CREATE TRIGGER tg_users__set_updated_at BEFORE UPDATE ON auth.users FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

--
-- Name: institutions tg_institutions__audit; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_institutions__audit AFTER INSERT OR DELETE OR UPDATE ON public.institutions FOR EACH ROW WHEN (((current_setting('oxkair.bulk_load'::text, true) IS DISTINCT FROM 'on'::text) OR (NOT pg_has_role(CURRENT_USER, 'oxkair_migrator'::name, 'MEMBER'::text)))) EXECUTE FUNCTION audit.tg_public_institutions__row_change();

--
-- Name: institutions tg_institutions__collect_words_insert; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_institutions__collect_words_insert AFTER INSERT ON public.institutions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.tg_institutions__collect_words();

--
-- Name: institutions tg_institutions__collect_words_update; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_institutions__collect_words_update AFTER UPDATE ON public.institutions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.tg_institutions__collect_words();

--
-- Name: institutions tg_institutions__index_suffixes_insert; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_institutions__index_suffixes_insert AFTER INSERT ON public.institutions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.tg_institutions__index_suffixes();

--
-- Name: institutions tg_institutions__index_suffixes_update; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_institutions__index_suffixes_update AFTER UPDATE ON public.institutions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.tg_institutions__index_suffixes();

--
-- Name: institutions tg_institutions__set_updated_at; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_institutions__set_updated_at BEFORE UPDATE ON public.institutions FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

--
-- Name: medical_notes tg_medical_notes__audit; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_medical_notes__audit AFTER INSERT OR DELETE OR UPDATE ON public.medical_notes FOR EACH ROW WHEN (((current_setting('oxkair.bulk_load'::text, true) IS DISTINCT FROM 'on'::text) OR (NOT pg_has_role(CURRENT_USER, 'oxkair_migrator'::name, 'MEMBER'::text)))) EXECUTE FUNCTION audit.tg_public_medical_notes__row_change();

--
-- Name: medical_notes tg_medical_notes__check_invariants; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_medical_notes__check_invariants BEFORE UPDATE ON public.medical_notes FOR EACH ROW EXECUTE FUNCTION app.tg_medical_notes__check_invariants();

--
-- Name: medical_notes tg_medical_notes__check_invariants_bulk; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_medical_notes__check_invariants_bulk AFTER INSERT ON public.medical_notes REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT WHEN (((current_setting('oxkair.bulk_load'::text, true) = 'on'::text) AND pg_has_role(CURRENT_USER, 'oxkair_migrator'::name, 'MEMBER'::text))) EXECUTE FUNCTION app.tg_medical_notes__check_invariants_bulk();

--
-- Name: medical_notes tg_medical_notes__check_invariants_on_insert; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_medical_notes__check_invariants_on_insert BEFORE INSERT ON public.medical_notes FOR EACH ROW WHEN (((current_setting('oxkair.bulk_load'::text, true) IS DISTINCT FROM 'on'::text) OR (NOT pg_has_role(CURRENT_USER, 'oxkair_migrator'::name, 'MEMBER'::text)))) EXECUTE FUNCTION app.tg_medical_notes__check_invariants();

--
-- Name: medical_notes tg_medical_notes__set_updated_at; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_medical_notes__set_updated_at BEFORE UPDATE ON public.medical_notes FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

--
-- Name: profiles tg_profiles__audit; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_profiles__audit AFTER INSERT OR DELETE OR UPDATE ON public.profiles FOR EACH ROW WHEN (((current_setting('oxkair.bulk_load'::text, true) IS DISTINCT FROM 'on'::text) OR (NOT pg_has_role(CURRENT_USER, 'oxkair_migrator'::name, 'MEMBER'::text)))) EXECUTE FUNCTION audit.tg_public_profiles__row_change();

--
-- Name: profiles tg_profiles__membership; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_profiles__membership BEFORE INSERT OR UPDATE OF institution_id ON public.profiles FOR EACH ROW EXECUTE FUNCTION app.tg_profiles__membership();

--
-- Name: profiles tg_profiles__set_updated_at; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_profiles__set_updated_at BEFORE UPDATE ON public.profiles FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

--
-- Name: user_settings tg_user_settings__audit; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_user_settings__audit AFTER INSERT OR DELETE OR UPDATE ON public.user_settings FOR EACH ROW WHEN (((current_setting('oxkair.bulk_load'::text, true) IS DISTINCT FROM 'on'::text) OR (NOT pg_has_role(CURRENT_USER, 'oxkair_migrator'::name, 'MEMBER'::text)))) EXECUTE FUNCTION audit.tg_public_user_settings__row_change();

--
-- Name: user_settings tg_user_settings__set_updated_at; Type: TRIGGER; Schema: public; Owner: oxkair_owner
--

CREATE TRIGGER tg_user_settings__set_updated_at BEFORE UPDATE ON public.user_settings FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

--
-- Name: designations designations_granted_by_fkey; Type: FK CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.designations
    ADD CONSTRAINT designations_granted_by_fkey FOREIGN KEY (granted_by) REFERENCES auth.users(id);

--
-- Name: designations designations_institution_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.designations
    ADD CONSTRAINT designations_institution_id_fkey FOREIGN KEY (institution_id) REFERENCES public.institutions(id);

--
-- Name: designations designations_user_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.designations
    ADD CONSTRAINT designations_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id);

--
-- Name: idempotency_keys idempotency_keys_user_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.idempotency_keys
    ADD CONSTRAINT idempotency_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id);

--
-- Name: institution_hours institution_hours_institution_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.institution_hours
    ADD CONSTRAINT institution_hours_institution_id_fkey FOREIGN KEY (institution_id) REFERENCES public.institutions(id);

--
-- Name: institution_suffixes institution_suffixes_institution_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: oxkair_owner
--

ALTER TABLE ONLY app.institution_suffixes
    ADD CONSTRAINT institution_suffixes_institution_id_fkey FOREIGN KEY (institution_id) REFERENCES public.institutions(id) ON DELETE CASCADE;

--
-- Name: email_changes email_changes_user_id_fkey; Type: FK CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.email_changes
    ADD CONSTRAINT email_changes_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id);

--
-- Name: mfa_factors mfa_factors_user_id_fkey; Type: FK CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.mfa_factors
    ADD CONSTRAINT mfa_factors_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id);

--
-- Name: one_time_tokens one_time_tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.one_time_tokens
    ADD CONSTRAINT one_time_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id);

--
-- Name: recovery_codes recovery_codes_user_id_fkey; Type: FK CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.recovery_codes
    ADD CONSTRAINT recovery_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id);

--
-- Name: refresh_tokens refresh_tokens_session_id_fkey; Type: FK CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.refresh_tokens
    ADD CONSTRAINT refresh_tokens_session_id_fkey FOREIGN KEY (session_id) REFERENCES auth.sessions(id);

--
-- Name: sessions sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE ONLY auth.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id);

--
-- Name: chunks chunks_table_name_fkey; Type: FK CONSTRAINT; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE ONLY migration.chunks
    ADD CONSTRAINT chunks_table_name_fkey FOREIGN KEY (table_name) REFERENCES migration.table_state(table_name);

--
-- Name: medical_notes fk_medical_notes_institution; Type: FK CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.medical_notes
    ADD CONSTRAINT fk_medical_notes_institution FOREIGN KEY (institution_id) REFERENCES public.institutions(id);

--
-- Name: profiles fk_profiles_institution; Type: FK CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.profiles
    ADD CONSTRAINT fk_profiles_institution FOREIGN KEY (institution_id) REFERENCES public.institutions(id);

--
-- Name: medical_notes medical_notes_provider_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.medical_notes
    ADD CONSTRAINT medical_notes_provider_user_id_fkey FOREIGN KEY (provider_user_id) REFERENCES auth.users(id);

--
-- Name: medical_notes medical_notes_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.medical_notes
    ADD CONSTRAINT medical_notes_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id);

--
-- Name: profiles profiles_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.profiles
    ADD CONSTRAINT profiles_id_fkey FOREIGN KEY (id) REFERENCES auth.users(id);

--
-- Name: user_settings user_settings_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: oxkair_owner
--

ALTER TABLE ONLY public.user_settings
    ADD CONSTRAINT user_settings_id_fkey FOREIGN KEY (id) REFERENCES auth.users(id);

--
-- Name: designations Backups read every row; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON app.designations FOR SELECT TO oxkair_backup USING (true);

--
-- Name: idempotency_keys Backups read every row; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON app.idempotency_keys FOR SELECT TO oxkair_backup USING (true);

--
-- Name: institution_hours Backups read every row; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON app.institution_hours FOR SELECT TO oxkair_backup USING (true);

--
-- Name: institution_suffixes Backups read every row; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON app.institution_suffixes FOR SELECT TO oxkair_backup USING (true);

--
-- Name: institution_words Backups read every row; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON app.institution_words FOR SELECT TO oxkair_backup USING (true);

--
-- Name: institution_suffixes The data migration adds the suffixes of the institutions it loa; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "The data migration adds the suffixes of the institutions it loa" ON app.institution_suffixes FOR INSERT TO oxkair_migrator WITH CHECK (true);

--
-- Name: institution_words The data migration adds the words of the institutions it loads; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "The data migration adds the words of the institutions it loads" ON app.institution_words FOR INSERT TO oxkair_migrator WITH CHECK (true);

--
-- Name: institution_suffixes The data migration sees the suffixes it adds; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "The data migration sees the suffixes it adds" ON app.institution_suffixes FOR SELECT TO oxkair_migrator USING (true);

--
-- Name: institution_words The data migration sees the words it adds; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "The data migration sees the words it adds" ON app.institution_words FOR SELECT TO oxkair_migrator USING (true);

--
-- Name: designations Trusted functions manage designations; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage designations" ON app.designations TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: idempotency_keys Trusted functions manage idempotency keys; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage idempotency keys" ON app.idempotency_keys TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: institution_hours Trusted functions manage working hours; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage working hours" ON app.institution_hours TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: institution_suffixes Trusted functions read institution suffixes; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions read institution suffixes" ON app.institution_suffixes FOR SELECT TO oxkair_definer USING (true);

--
-- Name: institution_words Trusted functions read institution words; Type: POLICY; Schema: app; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions read institution words" ON app.institution_words FOR SELECT TO oxkair_definer USING (true);

--
-- Name: designations; Type: ROW SECURITY; Schema: app; Owner: oxkair_owner
--

ALTER TABLE app.designations ENABLE ROW LEVEL SECURITY;

--
-- Name: idempotency_keys; Type: ROW SECURITY; Schema: app; Owner: oxkair_owner
--

ALTER TABLE app.idempotency_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: institution_hours; Type: ROW SECURITY; Schema: app; Owner: oxkair_owner
--

ALTER TABLE app.institution_hours ENABLE ROW LEVEL SECURITY;

--
-- Name: institution_suffixes; Type: ROW SECURITY; Schema: app; Owner: oxkair_owner
--

ALTER TABLE app.institution_suffixes ENABLE ROW LEVEL SECURITY;

--
-- Name: institution_words; Type: ROW SECURITY; Schema: app; Owner: oxkair_owner
--

ALTER TABLE app.institution_words ENABLE ROW LEVEL SECURITY;

--
-- Name: email_changes Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.email_changes FOR SELECT TO oxkair_backup USING (true);

--
-- Name: login_failures Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.login_failures FOR SELECT TO oxkair_backup USING (true);

--
-- Name: mfa_factors Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.mfa_factors FOR SELECT TO oxkair_backup USING (true);

--
-- Name: one_time_tokens Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.one_time_tokens FOR SELECT TO oxkair_backup USING (true);

--
-- Name: outbox Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.outbox FOR SELECT TO oxkair_backup USING (true);

--
-- Name: rate_limits Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.rate_limits FOR SELECT TO oxkair_backup USING (true);

--
-- Name: recovery_codes Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.recovery_codes FOR SELECT TO oxkair_backup USING (true);

--
-- Name: refresh_tokens Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.refresh_tokens FOR SELECT TO oxkair_backup USING (true);

--
-- Name: sessions Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.sessions FOR SELECT TO oxkair_backup USING (true);

--
-- Name: users Backups read every row; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON auth.users FOR SELECT TO oxkair_backup USING (true);

--
-- Name: users The data migration loads users; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "The data migration loads users" ON auth.users FOR INSERT TO oxkair_migrator WITH CHECK ((migrated_from = 'supabase'::text));

--
-- Name: users The data migration reads users back to verify them; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "The data migration reads users back to verify them" ON auth.users FOR SELECT TO oxkair_migrator USING (true);

--
-- Name: email_changes Trusted functions manage email changes; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage email changes" ON auth.email_changes TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: login_failures Trusted functions manage login failures; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage login failures" ON auth.login_failures TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: mfa_factors Trusted functions manage mfa factors; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage mfa factors" ON auth.mfa_factors TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: one_time_tokens Trusted functions manage one time tokens; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage one time tokens" ON auth.one_time_tokens TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: outbox Trusted functions manage outbox; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage outbox" ON auth.outbox TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: rate_limits Trusted functions manage rate limits; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage rate limits" ON auth.rate_limits TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: recovery_codes Trusted functions manage recovery codes; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage recovery codes" ON auth.recovery_codes TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: refresh_tokens Trusted functions manage refresh tokens; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage refresh tokens" ON auth.refresh_tokens TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: sessions Trusted functions manage sessions; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage sessions" ON auth.sessions TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: users Trusted functions manage users; Type: POLICY; Schema: auth; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions manage users" ON auth.users TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: email_changes; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.email_changes ENABLE ROW LEVEL SECURITY;

--
-- Name: login_failures; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.login_failures ENABLE ROW LEVEL SECURITY;

--
-- Name: mfa_factors; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.mfa_factors ENABLE ROW LEVEL SECURITY;

--
-- Name: one_time_tokens; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.one_time_tokens ENABLE ROW LEVEL SECURITY;

--
-- Name: outbox; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.outbox ENABLE ROW LEVEL SECURITY;

--
-- Name: rate_limits; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.rate_limits ENABLE ROW LEVEL SECURITY;

--
-- Name: recovery_codes; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.recovery_codes ENABLE ROW LEVEL SECURITY;

--
-- Name: refresh_tokens; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.refresh_tokens ENABLE ROW LEVEL SECURITY;

--
-- Name: sessions; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.sessions ENABLE ROW LEVEL SECURITY;

--
-- Name: users; Type: ROW SECURITY; Schema: auth; Owner: oxkair_owner
--

ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;

--
-- Name: chunks Backups read every row; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON migration.chunks FOR SELECT TO oxkair_backup USING (true);

--
-- Name: flags Backups read every row; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON migration.flags FOR SELECT TO oxkair_backup USING (true);

--
-- Name: identities Backups read every row; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON migration.identities FOR SELECT TO oxkair_backup USING (true);

--
-- Name: quarantine Backups read every row; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON migration.quarantine FOR SELECT TO oxkair_backup USING (true);

--
-- Name: run_log Backups read every row; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON migration.run_log FOR SELECT TO oxkair_backup USING (true);

--
-- Name: suspended_foreign_keys Backups read every row; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON migration.suspended_foreign_keys FOR SELECT TO oxkair_backup USING (true);

--
-- Name: suspended_indexes Backups read every row; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON migration.suspended_indexes FOR SELECT TO oxkair_backup USING (true);

--
-- Name: table_state Backups read every row; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON migration.table_state FOR SELECT TO oxkair_backup USING (true);

--
-- Name: chunks The data migration keeps its own state; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "The data migration keeps its own state" ON migration.chunks TO oxkair_migrator USING (true) WITH CHECK (true);

--
-- Name: flags The data migration keeps its own state; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "The data migration keeps its own state" ON migration.flags TO oxkair_migrator USING (true) WITH CHECK (true);

--
-- Name: identities The data migration keeps its own state; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "The data migration keeps its own state" ON migration.identities TO oxkair_migrator USING (true) WITH CHECK (true);

--
-- Name: quarantine The data migration keeps its own state; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "The data migration keeps its own state" ON migration.quarantine TO oxkair_migrator USING (true) WITH CHECK (true);

--
-- Name: run_log The data migration keeps its own state; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "The data migration keeps its own state" ON migration.run_log TO oxkair_migrator USING (true) WITH CHECK (true);

--
-- Name: table_state The data migration keeps its own state; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "The data migration keeps its own state" ON migration.table_state TO oxkair_migrator USING (true) WITH CHECK (true);

--
-- Name: suspended_foreign_keys The data migration reads which foreign keys it suspended; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "The data migration reads which foreign keys it suspended" ON migration.suspended_foreign_keys FOR SELECT TO oxkair_migrator USING (true);

--
-- Name: suspended_indexes The data migration reads which indexes it suspended; Type: POLICY; Schema: migration; Owner: oxkair_owner
--

CREATE POLICY "The data migration reads which indexes it suspended" ON migration.suspended_indexes FOR SELECT TO oxkair_migrator USING (true);

--
-- Name: chunks; Type: ROW SECURITY; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE migration.chunks ENABLE ROW LEVEL SECURITY;

--
-- Name: flags; Type: ROW SECURITY; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE migration.flags ENABLE ROW LEVEL SECURITY;

--
-- Name: identities; Type: ROW SECURITY; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE migration.identities ENABLE ROW LEVEL SECURITY;

--
-- Name: quarantine; Type: ROW SECURITY; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE migration.quarantine ENABLE ROW LEVEL SECURITY;

--
-- Name: run_log; Type: ROW SECURITY; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE migration.run_log ENABLE ROW LEVEL SECURITY;

--
-- Name: suspended_foreign_keys; Type: ROW SECURITY; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE migration.suspended_foreign_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: suspended_indexes; Type: ROW SECURITY; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE migration.suspended_indexes ENABLE ROW LEVEL SECURITY;

--
-- Name: table_state; Type: ROW SECURITY; Schema: migration; Owner: oxkair_owner
--

ALTER TABLE migration.table_state ENABLE ROW LEVEL SECURITY;

--
-- Name: institutions Backups read every row; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON public.institutions FOR SELECT TO oxkair_backup USING (true);

--
-- Name: medical_notes Backups read every row; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON public.medical_notes FOR SELECT TO oxkair_backup USING (true);

--
-- Name: profiles Backups read every row; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON public.profiles FOR SELECT TO oxkair_backup USING (true);

--
-- Name: user_settings Backups read every row; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Backups read every row" ON public.user_settings FOR SELECT TO oxkair_backup USING (true);

--
-- Name: medical_notes Emergency access reads every case, each read audited; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Emergency access reads every case, each read audited" ON public.medical_notes FOR SELECT TO oxkair_break_glass USING (app.log_break_glass_read('public.medical_notes'::text, id));

--
-- Name: medical_notes The data migration loads cases; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "The data migration loads cases" ON public.medical_notes FOR INSERT TO oxkair_migrator WITH CHECK (true);

--
-- Name: institutions The data migration loads institutions; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "The data migration loads institutions" ON public.institutions FOR INSERT TO oxkair_migrator WITH CHECK (true);

--
-- Name: profiles The data migration loads profiles; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "The data migration loads profiles" ON public.profiles FOR INSERT TO oxkair_migrator WITH CHECK (true);

--
-- Name: user_settings The data migration loads user settings; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "The data migration loads user settings" ON public.user_settings FOR INSERT TO oxkair_migrator WITH CHECK (true);

--
-- Name: medical_notes The data migration reads cases back to verify them; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "The data migration reads cases back to verify them" ON public.medical_notes FOR SELECT TO oxkair_migrator USING (true);

--
-- Name: institutions The data migration reads institutions back to verify them; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "The data migration reads institutions back to verify them" ON public.institutions FOR SELECT TO oxkair_migrator USING (true);

--
-- Name: profiles The data migration reads profiles back to verify them; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "The data migration reads profiles back to verify them" ON public.profiles FOR SELECT TO oxkair_migrator USING (true);

--
-- Name: user_settings The data migration reads user settings back to verify them; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "The data migration reads user settings back to verify them" ON public.user_settings FOR SELECT TO oxkair_migrator USING (true);

--
-- Name: profiles Trusted functions create profiles; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions create profiles" ON public.profiles FOR INSERT TO oxkair_definer WITH CHECK (true);

--
-- Name: user_settings Trusted functions create settings; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions create settings" ON public.user_settings FOR INSERT TO oxkair_definer WITH CHECK (true);

--
-- Name: medical_notes Trusted functions read cases; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions read cases" ON public.medical_notes FOR SELECT TO oxkair_definer USING (true);

--
-- Name: institutions Trusted functions read institutions; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions read institutions" ON public.institutions FOR SELECT TO oxkair_definer USING (true);

--
-- Name: profiles Trusted functions read profiles; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions read profiles" ON public.profiles FOR SELECT TO oxkair_definer USING (true);

--
-- Name: user_settings Trusted functions read settings; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions read settings" ON public.user_settings FOR SELECT TO oxkair_definer USING (true);

--
-- Name: profiles Trusted functions record membership decisions; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Trusted functions record membership decisions" ON public.profiles FOR UPDATE TO oxkair_definer USING (true) WITH CHECK (true);

--
-- Name: user_settings Users create their own settings; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Users create their own settings" ON public.user_settings FOR INSERT TO oxkair_authenticated WITH CHECK ((id = ( SELECT auth.uid() AS uid)));

--
-- Name: institutions Users read their own institution; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Users read their own institution" ON public.institutions FOR SELECT TO oxkair_authenticated USING ((id = ( SELECT app.current_institution_id() AS current_institution_id)));

--
-- Name: profiles Users read their own profile; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Users read their own profile" ON public.profiles FOR SELECT TO oxkair_authenticated USING ((id = ( SELECT auth.uid() AS uid)));

--
-- Name: user_settings Users read their own settings; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Users read their own settings" ON public.user_settings FOR SELECT TO oxkair_authenticated USING ((id = ( SELECT auth.uid() AS uid)));

--
-- Name: profiles Users update their own profile; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Users update their own profile" ON public.profiles FOR UPDATE TO oxkair_authenticated USING ((id = ( SELECT auth.uid() AS uid))) WITH CHECK ((id = ( SELECT auth.uid() AS uid)));

--
-- Name: user_settings Users update their own settings; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Users update their own settings" ON public.user_settings FOR UPDATE TO oxkair_authenticated USING ((id = ( SELECT auth.uid() AS uid))) WITH CHECK ((id = ( SELECT auth.uid() AS uid)));

--
-- Name: medical_notes Verified assigned providers edit cases under their review; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Verified assigned providers edit cases under their review" ON public.medical_notes FOR UPDATE TO oxkair_authenticated USING (((provider_user_id = ( SELECT auth.uid() AS uid)) AND (status = 'PENDING_PROVIDER_REVIEW'::text) AND (institution_id = ( SELECT app.current_member_institution() AS current_member_institution)))) WITH CHECK ((provider_user_id = ( SELECT auth.uid() AS uid)));

--
-- Name: medical_notes Verified coders create cases of their own institution; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Verified coders create cases of their own institution" ON public.medical_notes FOR INSERT TO oxkair_authenticated WITH CHECK (((user_id = ( SELECT auth.uid() AS uid)) AND (institution_id = ( SELECT app.current_member_institution() AS current_member_institution)) AND (( SELECT app.current_user_category() AS current_user_category) = 'Medical Coder'::text) AND (COALESCE(status, 'INCOMPLETE'::text) = ANY (ARRAY['INCOMPLETE'::text, 'PENDING_CODER_REVIEW'::text]))));

--
-- Name: medical_notes Verified creators edit their cases until provider review; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Verified creators edit their cases until provider review" ON public.medical_notes FOR UPDATE TO oxkair_authenticated USING (((user_id = ( SELECT auth.uid() AS uid)) AND (status = ANY (ARRAY['INCOMPLETE'::text, 'PENDING_CODER_REVIEW'::text])) AND (institution_id = ( SELECT app.current_member_institution() AS current_member_institution)))) WITH CHECK ((user_id = ( SELECT auth.uid() AS uid)));

--
-- Name: medical_notes Verified members read the cases they created or are assigned; Type: POLICY; Schema: public; Owner: oxkair_owner
--

CREATE POLICY "Verified members read the cases they created or are assigned" ON public.medical_notes FOR SELECT TO oxkair_authenticated USING ((((user_id = ( SELECT auth.uid() AS uid)) OR (provider_user_id = ( SELECT auth.uid() AS uid))) AND (institution_id = ( SELECT app.current_member_institution() AS current_member_institution))));

--
-- Name: institutions; Type: ROW SECURITY; Schema: public; Owner: oxkair_owner
--

ALTER TABLE public.institutions ENABLE ROW LEVEL SECURITY;

--
-- Name: medical_notes; Type: ROW SECURITY; Schema: public; Owner: oxkair_owner
--

ALTER TABLE public.medical_notes ENABLE ROW LEVEL SECURITY;

--
-- Name: profiles; Type: ROW SECURITY; Schema: public; Owner: oxkair_owner
--

ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;

--
-- Name: user_settings; Type: ROW SECURITY; Schema: public; Owner: oxkair_owner
--

ALTER TABLE public.user_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA app; Type: ACL; Schema: -; Owner: oxkair_owner
--

GRANT USAGE ON SCHEMA app TO oxkair_anon;
GRANT USAGE ON SCHEMA app TO oxkair_auditor;
GRANT USAGE ON SCHEMA app TO oxkair_authenticated;
GRANT USAGE ON SCHEMA app TO oxkair_backup;
GRANT USAGE ON SCHEMA app TO oxkair_break_glass;
GRANT USAGE ON SCHEMA app TO oxkair_definer;
GRANT USAGE ON SCHEMA app TO oxkair_migrator;

--
-- Name: SCHEMA audit; Type: ACL; Schema: -; Owner: oxkair_owner
--

GRANT USAGE ON SCHEMA audit TO oxkair_auditor;
GRANT USAGE ON SCHEMA audit TO oxkair_backup;
GRANT USAGE ON SCHEMA audit TO oxkair_definer;
GRANT USAGE ON SCHEMA audit TO oxkair_migrator;

--
-- Name: SCHEMA auth; Type: ACL; Schema: -; Owner: oxkair_owner
--

GRANT USAGE ON SCHEMA auth TO oxkair_anon;
GRANT USAGE ON SCHEMA auth TO oxkair_authenticated;
GRANT USAGE ON SCHEMA auth TO oxkair_backup;
GRANT USAGE ON SCHEMA auth TO oxkair_definer;
GRANT USAGE ON SCHEMA auth TO oxkair_migrator;

--
-- Name: SCHEMA extensions; Type: ACL; Schema: -; Owner: oxkair_owner
--

GRANT USAGE ON SCHEMA extensions TO oxkair_anon;
GRANT USAGE ON SCHEMA extensions TO oxkair_authenticated;
GRANT USAGE ON SCHEMA extensions TO oxkair_backup;
GRANT USAGE ON SCHEMA extensions TO oxkair_definer;
GRANT USAGE ON SCHEMA extensions TO oxkair_migrator;

--
-- Name: SCHEMA migration; Type: ACL; Schema: -; Owner: oxkair_owner
--

GRANT USAGE ON SCHEMA migration TO oxkair_backup;
GRANT USAGE ON SCHEMA migration TO oxkair_migrator;

--
-- Name: SCHEMA migration_stage; Type: ACL; Schema: -; Owner: oxkair_owner
--

GRANT ALL ON SCHEMA migration_stage TO oxkair_migrator;
GRANT USAGE ON SCHEMA migration_stage TO oxkair_backup;

--
-- Name: SCHEMA oxkair_meta; Type: ACL; Schema: -; Owner: oxkair_owner
--

GRANT USAGE ON SCHEMA oxkair_meta TO oxkair_backup;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: pg_database_owner
--

REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT ALL ON SCHEMA public TO oxkair_owner WITH GRANT OPTION;
GRANT USAGE ON SCHEMA public TO oxkair_definer;
RESET SESSION AUTHORIZATION;
GRANT USAGE ON SCHEMA public TO oxkair_authenticated;
RESET SESSION AUTHORIZATION;
GRANT USAGE ON SCHEMA public TO oxkair_anon;
RESET SESSION AUTHORIZATION;
GRANT USAGE ON SCHEMA public TO oxkair_migrator;
RESET SESSION AUTHORIZATION;
GRANT USAGE ON SCHEMA public TO oxkair_auditor;
RESET SESSION AUTHORIZATION;
GRANT USAGE ON SCHEMA public TO oxkair_break_glass;
RESET SESSION AUTHORIZATION;
GRANT USAGE ON SCHEMA public TO oxkair_backup;
RESET SESSION AUTHORIZATION;

--
-- Name: FUNCTION audit_entry_cases(p_kind text, p_relation text, p_row text, p_info jsonb); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.audit_entry_cases(p_kind text, p_relation text, p_row text, p_info jsonb) FROM PUBLIC;

--
-- Name: FUNCTION audit_last_verification(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.audit_last_verification() FROM PUBLIC;
GRANT ALL ON FUNCTION app.audit_last_verification() TO oxkair_auditor;
GRANT ALL ON FUNCTION app.audit_last_verification() TO oxkair_authenticated;

--
-- Name: FUNCTION audit_report(p_mrn text, p_case_number text, p_user_email text, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.audit_report(p_mrn text, p_case_number text, p_user_email text, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app.audit_report(p_mrn text, p_case_number text, p_user_email text, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone) TO oxkair_auditor;
GRANT ALL ON FUNCTION app.audit_report(p_mrn text, p_case_number text, p_user_email text, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone) TO oxkair_authenticated;

--
-- Name: FUNCTION audit_report_entries(p_mrn text, p_case_number text, p_user uuid, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.audit_report_entries(p_mrn text, p_case_number text, p_user uuid, p_institution uuid, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;

--
-- Name: FUNCTION audit_review_scope(p_institution uuid, OUT reviewer text, OUT institution_id uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.audit_review_scope(p_institution uuid, OUT reviewer text, OUT institution_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.audit_review_scope(p_institution uuid, OUT reviewer text, OUT institution_id uuid) TO oxkair_auditor;
GRANT ALL ON FUNCTION app.audit_review_scope(p_institution uuid, OUT reviewer text, OUT institution_id uuid) TO oxkair_authenticated;

--
-- Name: FUNCTION case_insert_rule_broken(p_creator_status text, p_creator_institution uuid, p_institution uuid, p_provider uuid, p_provider_category text, p_provider_institution uuid, p_provider_status text, p_status text); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.case_insert_rule_broken(p_creator_status text, p_creator_institution uuid, p_institution uuid, p_provider uuid, p_provider_category text, p_provider_institution uuid, p_provider_status text, p_status text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.case_insert_rule_broken(p_creator_status text, p_creator_institution uuid, p_institution uuid, p_provider uuid, p_provider_category text, p_provider_institution uuid, p_provider_status text, p_status text) TO oxkair_definer;

--
-- Name: FUNCTION claim_idempotency_key(p_key text, p_endpoint text, p_request_sha256 bytea); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.claim_idempotency_key(p_key text, p_endpoint text, p_request_sha256 bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app.claim_idempotency_key(p_key text, p_endpoint text, p_request_sha256 bytea) TO oxkair_authenticated;

--
-- Name: FUNCTION correct_word(p_word text, p_prefix boolean); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.correct_word(p_word text, p_prefix boolean) FROM PUBLIC;

--
-- Name: FUNCTION current_admin_institution(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.current_admin_institution() FROM PUBLIC;

--
-- Name: FUNCTION current_institution_id(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.current_institution_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_institution_id() TO oxkair_authenticated;

--
-- Name: FUNCTION current_member_institution(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.current_member_institution() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_member_institution() TO oxkair_authenticated;

--
-- Name: FUNCTION current_user_category(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.current_user_category() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_user_category() TO oxkair_authenticated;

--
-- Name: FUNCTION email_domain_verifies(p_user uuid, p_institution uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.email_domain_verifies(p_user uuid, p_institution uuid) FROM PUBLIC;

--
-- Name: FUNCTION has_designation(p_designation text, p_institution uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.has_designation(p_designation text, p_institution uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.has_designation(p_designation text, p_institution uuid) TO oxkair_authenticated;

--
-- Name: FUNCTION institution_admins(p_institution uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.institution_admins(p_institution uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.institution_admins(p_institution uuid) TO oxkair_owner;

--
-- Name: FUNCTION institution_hours_of(p_institution uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.institution_hours_of(p_institution uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.institution_hours_of(p_institution uuid) TO oxkair_owner;

--
-- Name: FUNCTION is_audit_reviewer(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.is_audit_reviewer() FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_audit_reviewer() TO oxkair_authenticated;

--
-- Name: FUNCTION log_break_glass_read(p_table text, p_row_id uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.log_break_glass_read(p_table text, p_row_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.log_break_glass_read(p_table text, p_row_id uuid) TO oxkair_break_glass;

--
-- Name: FUNCTION log_case_denied(p_case_id uuid, p_endpoint text); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.log_case_denied(p_case_id uuid, p_endpoint text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.log_case_denied(p_case_id uuid, p_endpoint text) TO oxkair_authenticated;

--
-- Name: FUNCTION log_case_reads(p_ids uuid[], p_endpoint text); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.log_case_reads(p_ids uuid[], p_endpoint text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.log_case_reads(p_ids uuid[], p_endpoint text) TO oxkair_authenticated;

--
-- Name: FUNCTION name_institution_admin(p_email text, p_institution uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.name_institution_admin(p_email text, p_institution uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.name_institution_admin(p_email text, p_institution uuid) TO oxkair_owner;

--
-- Name: FUNCTION name_reviewer(p_email text, p_designation text, p_institution uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.name_reviewer(p_email text, p_designation text, p_institution uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.name_reviewer(p_email text, p_designation text, p_institution uuid) TO oxkair_owner;

--
-- Name: FUNCTION name_suffixes(value text); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.name_suffixes(value text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.name_suffixes(value text) TO oxkair_definer;
GRANT ALL ON FUNCTION app.name_suffixes(value text) TO oxkair_migrator;

--
-- Name: FUNCTION record_idempotency_result(p_key text, p_resource_id uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.record_idempotency_result(p_key text, p_resource_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.record_idempotency_result(p_key text, p_resource_id uuid) TO oxkair_authenticated;

--
-- Name: FUNCTION refresh_institution_suffixes(); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.refresh_institution_suffixes() FROM PUBLIC;

--
-- Name: FUNCTION refresh_institution_words(); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.refresh_institution_words() FROM PUBLIC;

--
-- Name: FUNCTION remove_institution_admin(p_email text, p_institution uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.remove_institution_admin(p_email text, p_institution uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.remove_institution_admin(p_email text, p_institution uuid) TO oxkair_owner;

--
-- Name: FUNCTION remove_reviewer(p_email text, p_designation text, p_institution uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.remove_reviewer(p_email text, p_designation text, p_institution uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.remove_reviewer(p_email text, p_designation text, p_institution uuid) TO oxkair_owner;

--
-- Name: FUNCTION require_admin(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.require_admin() FROM PUBLIC;

--
-- Name: FUNCTION reviewers(p_designation text, p_institution uuid); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.reviewers(p_designation text, p_institution uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.reviewers(p_designation text, p_institution uuid) TO oxkair_owner;

--
-- Name: FUNCTION search_key(value text); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.search_key(value text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.search_key(value text) TO oxkair_definer;
GRANT ALL ON FUNCTION app.search_key(value text) TO oxkair_migrator;

--
-- Name: FUNCTION search_phrase(value text); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.search_phrase(value text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.search_phrase(value text) TO oxkair_definer;
GRANT ALL ON FUNCTION app.search_phrase(value text) TO oxkair_migrator;

--
-- Name: FUNCTION search_words(value text); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.search_words(value text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.search_words(value text) TO oxkair_definer;
GRANT ALL ON FUNCTION app.search_words(value text) TO oxkair_migrator;

--
-- Name: FUNCTION set_institution_hours(p_institution uuid, p_time_zone text, p_day_starts time without time zone, p_day_ends time without time zone, p_weekends_out_of_hours boolean); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.set_institution_hours(p_institution uuid, p_time_zone text, p_day_starts time without time zone, p_day_ends time without time zone, p_weekends_out_of_hours boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app.set_institution_hours(p_institution uuid, p_time_zone text, p_day_starts time without time zone, p_day_ends time without time zone, p_weekends_out_of_hours boolean) TO oxkair_owner;

--
-- Name: FUNCTION tg__set_updated_at(); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.tg__set_updated_at() FROM PUBLIC;

--
-- Name: FUNCTION tg_institutions__collect_words(); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.tg_institutions__collect_words() FROM PUBLIC;

--
-- Name: FUNCTION tg_institutions__index_suffixes(); Type: ACL; Schema: app; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION app.tg_institutions__index_suffixes() FROM PUBLIC;

--
-- Name: FUNCTION tg_medical_notes__check_invariants(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.tg_medical_notes__check_invariants() FROM PUBLIC;

--
-- Name: FUNCTION tg_medical_notes__check_invariants_bulk(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.tg_medical_notes__check_invariants_bulk() FROM PUBLIC;

--
-- Name: FUNCTION tg_profiles__membership(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.tg_profiles__membership() FROM PUBLIC;

--
-- Name: FUNCTION tg_users__membership_by_domain(); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.tg_users__membership_by_domain() FROM PUBLIC;

--
-- Name: FUNCTION word_candidates(p_word text, p_prefix boolean); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.word_candidates(p_word text, p_prefix boolean) FROM PUBLIC;

--
-- Name: FUNCTION word_variants(p_word text); Type: ACL; Schema: app; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION app.word_variants(p_word text) FROM PUBLIC;

--
-- Name: FUNCTION acting_role(); Type: ACL; Schema: audit; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION audit.acting_role() FROM PUBLIC;
GRANT ALL ON FUNCTION audit.acting_role() TO oxkair_definer;

--
-- Name: FUNCTION append(p_action text, p_table text, p_row_id text, p_old jsonb, p_new jsonb, p_detail jsonb); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.append(p_action text, p_table text, p_row_id text, p_old jsonb, p_new jsonb, p_detail jsonb) FROM PUBLIC;

--
-- Name: FUNCTION ensure_partitions(first_year integer, last_year integer); Type: ACL; Schema: audit; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION audit.ensure_partitions(first_year integer, last_year integer) FROM PUBLIC;

--
-- Name: FUNCTION entry_hash(prev_hash bytea, lane smallint, seq bigint, at timestamp with time zone, txid xid8, actor_user_id uuid, db_role text, session_role text, client_addr inet, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, detail jsonb); Type: ACL; Schema: audit; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION audit.entry_hash(prev_hash bytea, lane smallint, seq bigint, at timestamp with time zone, txid xid8, actor_user_id uuid, db_role text, session_role text, client_addr inet, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, detail jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION audit.entry_hash(prev_hash bytea, lane smallint, seq bigint, at timestamp with time zone, txid xid8, actor_user_id uuid, db_role text, session_role text, client_addr inet, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, detail jsonb) TO oxkair_auditor;
GRANT ALL ON FUNCTION audit.entry_hash(prev_hash bytea, lane smallint, seq bigint, at timestamp with time zone, txid xid8, actor_user_id uuid, db_role text, session_role text, client_addr inet, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, detail jsonb) TO oxkair_definer;

--
-- Name: FUNCTION install_row_change_trigger(p_table regclass, p_never_recorded text[]); Type: ACL; Schema: audit; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION audit.install_row_change_trigger(p_table regclass, p_never_recorded text[]) FROM PUBLIC;

--
-- Name: FUNCTION log_export(p_since timestamp with time zone, p_entries bigint); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.log_export(p_since timestamp with time zone, p_entries bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION audit.log_export(p_since timestamp with time zone, p_entries bigint) TO oxkair_auditor;

--
-- Name: FUNCTION log_migration(p_action text, p_table text, p_detail jsonb); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.log_migration(p_action text, p_table text, p_detail jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION audit.log_migration(p_action text, p_table text, p_detail jsonb) TO oxkair_migrator;

--
-- Name: FUNCTION refresh_row_change_triggers(); Type: ACL; Schema: audit; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION audit.refresh_row_change_triggers() FROM PUBLIC;

--
-- Name: FUNCTION row_change_function_source(p_table regclass, p_function text, p_never text[]); Type: ACL; Schema: audit; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION audit.row_change_function_source(p_table regclass, p_function text, p_never text[]) FROM PUBLIC;

--
-- Name: FUNCTION tg__forbid_change(); Type: ACL; Schema: audit; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION audit.tg__forbid_change() FROM PUBLIC;

--
-- Name: FUNCTION tg_app_designations__row_change(); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.tg_app_designations__row_change() FROM PUBLIC;

--
-- Name: FUNCTION tg_app_institution_hours__row_change(); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.tg_app_institution_hours__row_change() FROM PUBLIC;

--
-- Name: FUNCTION tg_auth_users__row_change(); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.tg_auth_users__row_change() FROM PUBLIC;

--
-- Name: FUNCTION tg_public_institutions__row_change(); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.tg_public_institutions__row_change() FROM PUBLIC;

--
-- Name: FUNCTION tg_public_medical_notes__row_change(); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.tg_public_medical_notes__row_change() FROM PUBLIC;

--
-- Name: FUNCTION tg_public_profiles__row_change(); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.tg_public_profiles__row_change() FROM PUBLIC;

--
-- Name: FUNCTION tg_public_user_settings__row_change(); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.tg_public_user_settings__row_change() FROM PUBLIC;

--
-- Name: FUNCTION verify_and_record(); Type: ACL; Schema: audit; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION audit.verify_and_record() FROM PUBLIC;
GRANT ALL ON FUNCTION audit.verify_and_record() TO oxkair_auditor;

--
-- Name: FUNCTION verify_chain(); Type: ACL; Schema: audit; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION audit.verify_chain() FROM PUBLIC;
GRANT ALL ON FUNCTION audit.verify_chain() TO oxkair_auditor;
GRANT ALL ON FUNCTION audit.verify_chain() TO oxkair_definer;

--
-- Name: FUNCTION change_password(p_verified_hash text, p_new_hash text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.change_password(p_verified_hash text, p_new_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.change_password(p_verified_hash text, p_new_hash text) TO oxkair_authenticated;

--
-- Name: FUNCTION check_session(p_session_id uuid); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.check_session(p_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.check_session(p_session_id uuid) TO oxkair_anon;
GRANT ALL ON FUNCTION auth.check_session(p_session_id uuid) TO oxkair_authenticated;

--
-- Name: FUNCTION complete_profile(p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.complete_profile(p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.complete_profile(p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text) TO oxkair_authenticated;

--
-- Name: FUNCTION create_session(p_user_id uuid, p_aal text, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text, p_method text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.create_session(p_user_id uuid, p_aal text, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text, p_method text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.create_session(p_user_id uuid, p_aal text, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text, p_method text) TO oxkair_anon;

--
-- Name: FUNCTION current_user_info(); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.current_user_info() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.current_user_info() TO oxkair_authenticated;

--
-- Name: FUNCTION email_key(p_email text); Type: ACL; Schema: auth; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION auth.email_key(p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.email_key(p_email text) TO oxkair_definer;

--
-- Name: FUNCTION insert_profile(p_user_id uuid, p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.insert_profile(p_user_id uuid, p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text) FROM PUBLIC;

--
-- Name: FUNCTION jwt(); Type: ACL; Schema: auth; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION auth.jwt() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.jwt() TO oxkair_anon;
GRANT ALL ON FUNCTION auth.jwt() TO oxkair_authenticated;
GRANT ALL ON FUNCTION auth.jwt() TO oxkair_break_glass;
GRANT ALL ON FUNCTION auth.jwt() TO oxkair_definer;
GRANT ALL ON FUNCTION auth.jwt() TO oxkair_migrator;

--
-- Name: FUNCTION link_external_user(p_issuer text, p_subject text, p_email text, p_email_verified boolean); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.link_external_user(p_issuer text, p_subject text, p_email text, p_email_verified boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.link_external_user(p_issuer text, p_subject text, p_email text, p_email_verified boolean) TO oxkair_anon;

--
-- Name: FUNCTION log_event(p_action text, p_user_id uuid, p_detail jsonb); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.log_event(p_action text, p_user_id uuid, p_detail jsonb) FROM PUBLIC;

--
-- Name: FUNCTION log_login_refused(p_user_id uuid, p_reason text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.log_login_refused(p_user_id uuid, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.log_login_refused(p_user_id uuid, p_reason text) TO oxkair_anon;

--
-- Name: FUNCTION login_lookup(p_email text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.login_lookup(p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.login_lookup(p_email text) TO oxkair_anon;

--
-- Name: FUNCTION logout(p_all boolean); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.logout(p_all boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.logout(p_all boolean) TO oxkair_authenticated;

--
-- Name: FUNCTION logout_others(); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.logout_others() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.logout_others() TO oxkair_authenticated;

--
-- Name: FUNCTION mfa_challenge_complete(p_token_hash bytea, p_step bigint, p_recovery_hash bytea, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.mfa_challenge_complete(p_token_hash bytea, p_step bigint, p_recovery_hash bytea, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.mfa_challenge_complete(p_token_hash bytea, p_step bigint, p_recovery_hash bytea, p_refresh_hash bytea, p_idle_seconds integer, p_absolute_seconds integer, p_user_agent text) TO oxkair_anon;

--
-- Name: FUNCTION mfa_challenge_create(p_user_id uuid, p_token_hash bytea, p_seconds integer); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.mfa_challenge_create(p_user_id uuid, p_token_hash bytea, p_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.mfa_challenge_create(p_user_id uuid, p_token_hash bytea, p_seconds integer) TO oxkair_anon;

--
-- Name: FUNCTION mfa_challenge_factor(p_token_hash bytea, p_max_attempts integer); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.mfa_challenge_factor(p_token_hash bytea, p_max_attempts integer) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.mfa_challenge_factor(p_token_hash bytea, p_max_attempts integer) TO oxkair_anon;

--
-- Name: FUNCTION mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer) FROM PUBLIC;

--
-- Name: FUNCTION mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer, p_threshold integer, p_base_seconds integer, p_max_seconds integer); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer, p_threshold integer, p_base_seconds integer, p_max_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.mfa_challenge_fail(p_token_hash bytea, p_max_attempts integer, p_threshold integer, p_base_seconds integer, p_max_seconds integer) TO oxkair_anon;

--
-- Name: FUNCTION mfa_confirm(p_step bigint, p_recovery_hashes bytea[]); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.mfa_confirm(p_step bigint, p_recovery_hashes bytea[]) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.mfa_confirm(p_step bigint, p_recovery_hashes bytea[]) TO oxkair_authenticated;

--
-- Name: FUNCTION mfa_enroll(p_secret text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.mfa_enroll(p_secret text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.mfa_enroll(p_secret text) TO oxkair_authenticated;

--
-- Name: FUNCTION mfa_remove(); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.mfa_remove() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.mfa_remove() TO oxkair_authenticated;

--
-- Name: FUNCTION mfa_session_refresh_token(p_new_hash bytea); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.mfa_session_refresh_token(p_new_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.mfa_session_refresh_token(p_new_hash bytea) TO oxkair_authenticated;

--
-- Name: FUNCTION my_account(); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.my_account() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.my_account() TO oxkair_authenticated;

--
-- Name: FUNCTION my_credentials(); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.my_credentials() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.my_credentials() TO oxkair_authenticated;

--
-- Name: FUNCTION my_mfa_factor(); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.my_mfa_factor() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.my_mfa_factor() TO oxkair_authenticated;

--
-- Name: FUNCTION my_sessions(); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.my_sessions() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.my_sessions() TO oxkair_authenticated;

--
-- Name: FUNCTION outbox_mark(p_id bigint, p_error text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.outbox_mark(p_id bigint, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.outbox_mark(p_id bigint, p_error text) TO oxkair_owner;

--
-- Name: FUNCTION outbox_pending(p_limit integer); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.outbox_pending(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.outbox_pending(p_limit integer) TO oxkair_owner;

--
-- Name: FUNCTION outbox_pending_count(); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.outbox_pending_count() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.outbox_pending_count() TO oxkair_owner;

--
-- Name: FUNCTION outbox_pending_newest(p_limit integer); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.outbox_pending_newest(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.outbox_pending_newest(p_limit integer) TO oxkair_owner;

--
-- Name: FUNCTION prune(); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.prune() FROM PUBLIC;

--
-- Name: FUNCTION queue_email(p_to text, p_subject text, p_body text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.queue_email(p_to text, p_subject text, p_body text) FROM PUBLIC;

--
-- Name: FUNCTION rate_limit_hit(p_bucket text, p_max integer, p_window_seconds integer); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.rate_limit_hit(p_bucket text, p_max integer, p_window_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.rate_limit_hit(p_bucket text, p_max integer, p_window_seconds integer) TO oxkair_anon;
GRANT ALL ON FUNCTION auth.rate_limit_hit(p_bucket text, p_max integer, p_window_seconds integer) TO oxkair_authenticated;

--
-- Name: FUNCTION record_login_failure(p_email text, p_user_id uuid, p_reason text, p_threshold integer, p_base_seconds integer, p_max_seconds integer); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.record_login_failure(p_email text, p_user_id uuid, p_reason text, p_threshold integer, p_base_seconds integer, p_max_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.record_login_failure(p_email text, p_user_id uuid, p_reason text, p_threshold integer, p_base_seconds integer, p_max_seconds integer) TO oxkair_anon;

--
-- Name: FUNCTION refresh_session(p_old_hash bytea, p_new_hash bytea); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.refresh_session(p_old_hash bytea, p_new_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.refresh_session(p_old_hash bytea, p_new_hash bytea) TO oxkair_anon;

--
-- Name: FUNCTION rehash_password(p_user_id uuid, p_old_hash text, p_new_hash text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.rehash_password(p_user_id uuid, p_old_hash text, p_new_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.rehash_password(p_user_id uuid, p_old_hash text, p_new_hash text) TO oxkair_anon;

--
-- Name: FUNCTION request_email_change(p_new_email text, p_token_hash bytea, p_seconds integer, p_subject text, p_body text, p_taken_subject text, p_taken_body text, p_notice_subject text, p_notice_body text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.request_email_change(p_new_email text, p_token_hash bytea, p_seconds integer, p_subject text, p_body text, p_taken_subject text, p_taken_body text, p_notice_subject text, p_notice_body text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.request_email_change(p_new_email text, p_token_hash bytea, p_seconds integer, p_subject text, p_body text, p_taken_subject text, p_taken_body text, p_notice_subject text, p_notice_body text) TO oxkair_authenticated;

--
-- Name: FUNCTION request_token(p_email text, p_purpose text, p_token_hash bytea, p_token_seconds integer, p_subject text, p_body text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.request_token(p_email text, p_purpose text, p_token_hash bytea, p_token_seconds integer, p_subject text, p_body text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.request_token(p_email text, p_purpose text, p_token_hash bytea, p_token_seconds integer, p_subject text, p_body text) TO oxkair_anon;

--
-- Name: FUNCTION reset_password(p_token_hash bytea, p_password_hash text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.reset_password(p_token_hash bytea, p_password_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.reset_password(p_token_hash bytea, p_password_hash text) TO oxkair_anon;

--
-- Name: FUNCTION role(); Type: ACL; Schema: auth; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION auth.role() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.role() TO oxkair_anon;
GRANT ALL ON FUNCTION auth.role() TO oxkair_authenticated;
GRANT ALL ON FUNCTION auth.role() TO oxkair_break_glass;
GRANT ALL ON FUNCTION auth.role() TO oxkair_definer;
GRANT ALL ON FUNCTION auth.role() TO oxkair_migrator;

--
-- Name: FUNCTION signup(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text, p_token_hash bytea, p_token_seconds integer, p_new_subject text, p_new_body text, p_existing_subject text, p_existing_body text); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.signup(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text, p_token_hash bytea, p_token_seconds integer, p_new_subject text, p_new_body text, p_existing_subject text, p_existing_body text) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.signup(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_user_category text, p_institution_id uuid, p_npi text, p_phone_number text, p_token_hash bytea, p_token_seconds integer, p_new_subject text, p_new_body text, p_existing_subject text, p_existing_body text) TO oxkair_anon;

--
-- Name: FUNCTION uid(); Type: ACL; Schema: auth; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION auth.uid() FROM PUBLIC;
GRANT ALL ON FUNCTION auth.uid() TO oxkair_anon;
GRANT ALL ON FUNCTION auth.uid() TO oxkair_authenticated;
GRANT ALL ON FUNCTION auth.uid() TO oxkair_break_glass;
GRANT ALL ON FUNCTION auth.uid() TO oxkair_definer;
GRANT ALL ON FUNCTION auth.uid() TO oxkair_migrator;

--
-- Name: FUNCTION verify_email(p_token_hash bytea); Type: ACL; Schema: auth; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION auth.verify_email(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION auth.verify_email(p_token_hash bytea) TO oxkair_anon;

--
-- Name: FUNCTION restore_case_foreign_keys(); Type: ACL; Schema: migration; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION migration.restore_case_foreign_keys() FROM PUBLIC;
GRANT ALL ON FUNCTION migration.restore_case_foreign_keys() TO oxkair_migrator;

--
-- Name: FUNCTION restore_case_index(p_index_name text); Type: ACL; Schema: migration; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION migration.restore_case_index(p_index_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION migration.restore_case_index(p_index_name text) TO oxkair_migrator;

--
-- Name: FUNCTION suspend_case_foreign_keys(); Type: ACL; Schema: migration; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION migration.suspend_case_foreign_keys() FROM PUBLIC;
GRANT ALL ON FUNCTION migration.suspend_case_foreign_keys() TO oxkair_migrator;

--
-- Name: FUNCTION suspend_case_indexes(); Type: ACL; Schema: migration; Owner: oxkair_owner
--

REVOKE ALL ON FUNCTION migration.suspend_case_indexes() FROM PUBLIC;
GRANT ALL ON FUNCTION migration.suspend_case_indexes() TO oxkair_migrator;

--
-- Name: FUNCTION add_institution_admin(p_user uuid); Type: ACL; Schema: public; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION public.add_institution_admin(p_user uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.add_institution_admin(p_user uuid) TO oxkair_authenticated;

--
-- Name: FUNCTION case_history(p_case_id uuid); Type: ACL; Schema: public; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION public.case_history(p_case_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.case_history(p_case_id uuid) TO oxkair_authenticated;

--
-- Name: FUNCTION decide_membership(p_user uuid, p_decision text); Type: ACL; Schema: public; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION public.decide_membership(p_user uuid, p_decision text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.decide_membership(p_user uuid, p_decision text) TO oxkair_authenticated;

--
-- Name: FUNCTION institution_members(p_status text); Type: ACL; Schema: public; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION public.institution_members(p_status text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.institution_members(p_status text) TO oxkair_authenticated;

--
-- Name: FUNCTION institution_providers(); Type: ACL; Schema: public; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION public.institution_providers() FROM PUBLIC;
GRANT ALL ON FUNCTION public.institution_providers() TO oxkair_authenticated;

--
-- Name: FUNCTION my_institution(); Type: ACL; Schema: public; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION public.my_institution() FROM PUBLIC;
GRANT ALL ON FUNCTION public.my_institution() TO oxkair_authenticated;

--
-- Name: FUNCTION next_case_number(); Type: ACL; Schema: public; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION public.next_case_number() FROM PUBLIC;
GRANT ALL ON FUNCTION public.next_case_number() TO oxkair_authenticated;

--
-- Name: FUNCTION pgaudit_ddl_command_end(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.pgaudit_ddl_command_end() FROM PUBLIC;

--
-- Name: FUNCTION pgaudit_sql_drop(); Type: ACL; Schema: public; Owner: postgres
--

REVOKE ALL ON FUNCTION public.pgaudit_sql_drop() FROM PUBLIC;

--
-- Name: FUNCTION search_institutions(q text, max_results integer); Type: ACL; Schema: public; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION public.search_institutions(q text, max_results integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.search_institutions(q text, max_results integer) TO oxkair_anon;
GRANT ALL ON FUNCTION public.search_institutions(q text, max_results integer) TO oxkair_authenticated;

--
-- Name: FUNCTION suggest_institutions(email text); Type: ACL; Schema: public; Owner: oxkair_definer
--

REVOKE ALL ON FUNCTION public.suggest_institutions(email text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.suggest_institutions(email text) TO oxkair_anon;
GRANT ALL ON FUNCTION public.suggest_institutions(email text) TO oxkair_authenticated;

--
-- Name: SEQUENCE case_number_seq; Type: ACL; Schema: app; Owner: oxkair_owner
--

GRANT SELECT ON SEQUENCE app.case_number_seq TO oxkair_backup;
GRANT USAGE ON SEQUENCE app.case_number_seq TO oxkair_definer;

--
-- Name: TABLE designations; Type: ACL; Schema: app; Owner: oxkair_owner
--

GRANT SELECT ON TABLE app.designations TO oxkair_backup;
GRANT SELECT,INSERT,DELETE ON TABLE app.designations TO oxkair_definer;

--
-- Name: TABLE idempotency_keys; Type: ACL; Schema: app; Owner: oxkair_owner
--

GRANT SELECT ON TABLE app.idempotency_keys TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.idempotency_keys TO oxkair_definer;

--
-- Name: TABLE institution_hours; Type: ACL; Schema: app; Owner: oxkair_owner
--

GRANT SELECT ON TABLE app.institution_hours TO oxkair_backup;
GRANT SELECT,INSERT,UPDATE ON TABLE app.institution_hours TO oxkair_definer;

--
-- Name: TABLE institution_suffixes; Type: ACL; Schema: app; Owner: oxkair_owner
--

GRANT INSERT ON TABLE app.institution_suffixes TO oxkair_migrator;
GRANT SELECT ON TABLE app.institution_suffixes TO oxkair_backup;
GRANT SELECT ON TABLE app.institution_suffixes TO oxkair_definer;

--
-- Name: COLUMN institution_suffixes.suffix; Type: ACL; Schema: app; Owner: oxkair_owner
--

GRANT SELECT(suffix) ON TABLE app.institution_suffixes TO oxkair_migrator;

--
-- Name: COLUMN institution_suffixes.institution_id; Type: ACL; Schema: app; Owner: oxkair_owner
--

GRANT SELECT(institution_id) ON TABLE app.institution_suffixes TO oxkair_migrator;

--
-- Name: TABLE institution_words; Type: ACL; Schema: app; Owner: oxkair_owner
--

GRANT INSERT ON TABLE app.institution_words TO oxkair_migrator;
GRANT SELECT ON TABLE app.institution_words TO oxkair_backup;
GRANT SELECT ON TABLE app.institution_words TO oxkair_definer;

--
-- Name: COLUMN institution_words.word; Type: ACL; Schema: app; Owner: oxkair_owner
--

GRANT SELECT(word) ON TABLE app.institution_words TO oxkair_migrator;

--
-- Name: TABLE chain_head; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.chain_head TO oxkair_auditor;
GRANT SELECT ON TABLE audit.chain_head TO oxkair_backup;
GRANT SELECT,UPDATE ON TABLE audit.chain_head TO oxkair_definer;

--
-- Name: TABLE log; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log TO oxkair_auditor;
GRANT SELECT ON TABLE audit.log TO oxkair_backup;
GRANT SELECT,INSERT ON TABLE audit.log TO oxkair_definer;

--
-- Name: COLUMN log.lane; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT(lane) ON TABLE audit.log TO oxkair_definer;

--
-- Name: COLUMN log.seq; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT(seq) ON TABLE audit.log TO oxkair_definer;

--
-- Name: COLUMN log.at; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT(at) ON TABLE audit.log TO oxkair_definer;

--
-- Name: COLUMN log.actor_user_id; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT(actor_user_id) ON TABLE audit.log TO oxkair_definer;

--
-- Name: COLUMN log.action; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT(action) ON TABLE audit.log TO oxkair_definer;

--
-- Name: COLUMN log.table_name; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT(table_name) ON TABLE audit.log TO oxkair_definer;

--
-- Name: COLUMN log.row_id; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT(row_id) ON TABLE audit.log TO oxkair_definer;

--
-- Name: COLUMN log.old_values; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT(old_values) ON TABLE audit.log TO oxkair_definer;

--
-- Name: COLUMN log.new_values; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT(new_values) ON TABLE audit.log TO oxkair_definer;

--
-- Name: TABLE log_default; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_default TO oxkair_backup;

--
-- Name: TABLE log_y2024; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2024 TO oxkair_backup;

--
-- Name: TABLE log_y2025; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2025 TO oxkair_backup;

--
-- Name: TABLE log_y2026; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2026 TO oxkair_backup;

--
-- Name: TABLE log_y2027; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2027 TO oxkair_backup;

--
-- Name: TABLE log_y2028; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2028 TO oxkair_backup;

--
-- Name: TABLE log_y2029; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2029 TO oxkair_backup;

--
-- Name: TABLE log_y2030; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2030 TO oxkair_backup;

--
-- Name: TABLE log_y2031; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2031 TO oxkair_backup;

--
-- Name: TABLE log_y2032; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2032 TO oxkair_backup;

--
-- Name: TABLE log_y2033; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2033 TO oxkair_backup;

--
-- Name: TABLE log_y2034; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2034 TO oxkair_backup;

--
-- Name: TABLE log_y2035; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2035 TO oxkair_backup;

--
-- Name: TABLE log_y2036; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2036 TO oxkair_backup;

--
-- Name: TABLE log_y2037; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2037 TO oxkair_backup;

--
-- Name: TABLE log_y2038; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2038 TO oxkair_backup;

--
-- Name: TABLE log_y2039; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2039 TO oxkair_backup;

--
-- Name: TABLE log_y2040; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.log_y2040 TO oxkair_backup;

--
-- Name: TABLE row_change_trigger; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.row_change_trigger TO oxkair_auditor;
GRANT SELECT ON TABLE audit.row_change_trigger TO oxkair_backup;

--
-- Name: TABLE verification_run; Type: ACL; Schema: audit; Owner: oxkair_owner
--

GRANT SELECT ON TABLE audit.verification_run TO oxkair_auditor;
GRANT SELECT ON TABLE audit.verification_run TO oxkair_backup;
GRANT SELECT,INSERT ON TABLE audit.verification_run TO oxkair_definer;

--
-- Name: TABLE email_changes; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON TABLE auth.email_changes TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.email_changes TO oxkair_definer;

--
-- Name: TABLE login_failures; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON TABLE auth.login_failures TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.login_failures TO oxkair_definer;

--
-- Name: TABLE mfa_factors; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON TABLE auth.mfa_factors TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.mfa_factors TO oxkair_definer;

--
-- Name: TABLE one_time_tokens; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON TABLE auth.one_time_tokens TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.one_time_tokens TO oxkair_definer;

--
-- Name: TABLE outbox; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON TABLE auth.outbox TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.outbox TO oxkair_definer;

--
-- Name: SEQUENCE outbox_id_seq; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON SEQUENCE auth.outbox_id_seq TO oxkair_backup;

--
-- Name: TABLE rate_limits; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON TABLE auth.rate_limits TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.rate_limits TO oxkair_definer;

--
-- Name: TABLE recovery_codes; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON TABLE auth.recovery_codes TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.recovery_codes TO oxkair_definer;

--
-- Name: TABLE refresh_tokens; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON TABLE auth.refresh_tokens TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.refresh_tokens TO oxkair_definer;

--
-- Name: TABLE sessions; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT SELECT ON TABLE auth.sessions TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.sessions TO oxkair_definer;

--
-- Name: TABLE users; Type: ACL; Schema: auth; Owner: oxkair_owner
--

GRANT INSERT,DELETE,UPDATE ON TABLE auth.users TO oxkair_pgaudit;
GRANT SELECT ON TABLE auth.users TO oxkair_backup;
GRANT SELECT,INSERT ON TABLE auth.users TO oxkair_migrator;
GRANT SELECT,INSERT,UPDATE ON TABLE auth.users TO oxkair_definer;

--
-- Name: TABLE chunks; Type: ACL; Schema: migration; Owner: oxkair_owner
--

GRANT SELECT ON TABLE migration.chunks TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE migration.chunks TO oxkair_migrator;

--
-- Name: TABLE flags; Type: ACL; Schema: migration; Owner: oxkair_owner
--

GRANT SELECT ON TABLE migration.flags TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE migration.flags TO oxkair_migrator;

--
-- Name: TABLE identities; Type: ACL; Schema: migration; Owner: oxkair_owner
--

GRANT SELECT ON TABLE migration.identities TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE migration.identities TO oxkair_migrator;

--
-- Name: TABLE quarantine; Type: ACL; Schema: migration; Owner: oxkair_owner
--

GRANT SELECT ON TABLE migration.quarantine TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE migration.quarantine TO oxkair_migrator;

--
-- Name: TABLE run_log; Type: ACL; Schema: migration; Owner: oxkair_owner
--

GRANT SELECT ON TABLE migration.run_log TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE migration.run_log TO oxkair_migrator;

--
-- Name: SEQUENCE run_log_id_seq; Type: ACL; Schema: migration; Owner: oxkair_owner
--

GRANT SELECT ON SEQUENCE migration.run_log_id_seq TO oxkair_backup;

--
-- Name: TABLE suspended_foreign_keys; Type: ACL; Schema: migration; Owner: oxkair_owner
--

GRANT SELECT ON TABLE migration.suspended_foreign_keys TO oxkair_backup;
GRANT SELECT ON TABLE migration.suspended_foreign_keys TO oxkair_migrator;

--
-- Name: TABLE suspended_indexes; Type: ACL; Schema: migration; Owner: oxkair_owner
--

GRANT SELECT ON TABLE migration.suspended_indexes TO oxkair_backup;
GRANT SELECT ON TABLE migration.suspended_indexes TO oxkair_migrator;

--
-- Name: TABLE table_state; Type: ACL; Schema: migration; Owner: oxkair_owner
--

GRANT SELECT ON TABLE migration.table_state TO oxkair_backup;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE migration.table_state TO oxkair_migrator;

--
-- Name: TABLE _yoyo_log; Type: ACL; Schema: oxkair_meta; Owner: oxkair_owner
--

GRANT SELECT ON TABLE oxkair_meta._yoyo_log TO oxkair_backup;

--
-- Name: TABLE _yoyo_migration; Type: ACL; Schema: oxkair_meta; Owner: oxkair_owner
--

GRANT SELECT ON TABLE oxkair_meta._yoyo_migration TO oxkair_backup;

--
-- Name: TABLE _yoyo_version; Type: ACL; Schema: oxkair_meta; Owner: oxkair_owner
--

GRANT SELECT ON TABLE oxkair_meta._yoyo_version TO oxkair_backup;

--
-- Name: TABLE yoyo_lock; Type: ACL; Schema: oxkair_meta; Owner: oxkair_owner
--

GRANT SELECT ON TABLE oxkair_meta.yoyo_lock TO oxkair_backup;

--
-- Name: TABLE institutions; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT SELECT ON TABLE public.institutions TO oxkair_backup;
GRANT SELECT ON TABLE public.institutions TO oxkair_definer;
GRANT SELECT,INSERT ON TABLE public.institutions TO oxkair_migrator;

--
-- Name: COLUMN institutions.id; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT SELECT(id) ON TABLE public.institutions TO oxkair_authenticated;

--
-- Name: COLUMN institutions.name; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT SELECT(name) ON TABLE public.institutions TO oxkair_authenticated;

--
-- Name: COLUMN institutions.created_at; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT SELECT(created_at) ON TABLE public.institutions TO oxkair_authenticated;

--
-- Name: COLUMN institutions.updated_at; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT SELECT(updated_at) ON TABLE public.institutions TO oxkair_authenticated;

--
-- Name: TABLE medical_notes; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT,DELETE,UPDATE ON TABLE public.medical_notes TO oxkair_pgaudit;
GRANT SELECT ON TABLE public.medical_notes TO oxkair_authenticated;
GRANT SELECT ON TABLE public.medical_notes TO oxkair_backup;
GRANT SELECT ON TABLE public.medical_notes TO oxkair_break_glass;
GRANT SELECT ON TABLE public.medical_notes TO oxkair_definer;
GRANT SELECT,INSERT ON TABLE public.medical_notes TO oxkair_migrator;

--
-- Name: COLUMN medical_notes.user_id; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(user_id) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.mrn; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(mrn),UPDATE(mrn) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.date_of_service; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(date_of_service),UPDATE(date_of_service) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.insurance_provider; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(insurance_provider),UPDATE(insurance_provider) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.status; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(status),UPDATE(status) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.operative_notes; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(operative_notes),UPDATE(operative_notes) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.admission_notes; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(admission_notes),UPDATE(admission_notes) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.discharge_notes; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(discharge_notes),UPDATE(discharge_notes) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.pathology_notes; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(pathology_notes),UPDATE(pathology_notes) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.progress_notes; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(progress_notes),UPDATE(progress_notes) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.bedside_notes; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(bedside_notes),UPDATE(bedside_notes) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.billable_notes; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(billable_notes),UPDATE(billable_notes) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.ai_raw_output; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(ai_raw_output),UPDATE(ai_raw_output) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.panel_data; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(panel_data),UPDATE(panel_data) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.final_processed_data; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(final_processed_data),UPDATE(final_processed_data) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.summary_data; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(summary_data),UPDATE(summary_data) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.workflow_status; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(workflow_status),UPDATE(workflow_status) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.case_number; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(case_number) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.provider_user_id; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(provider_user_id),UPDATE(provider_user_id) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: COLUMN medical_notes.institution_id; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(institution_id) ON TABLE public.medical_notes TO oxkair_authenticated;

--
-- Name: TABLE profiles; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT,DELETE,UPDATE ON TABLE public.profiles TO oxkair_pgaudit;
GRANT SELECT ON TABLE public.profiles TO oxkair_authenticated;
GRANT SELECT ON TABLE public.profiles TO oxkair_backup;
GRANT SELECT,INSERT ON TABLE public.profiles TO oxkair_definer;
GRANT SELECT,INSERT ON TABLE public.profiles TO oxkair_migrator;

--
-- Name: COLUMN profiles.first_name; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT UPDATE(first_name) ON TABLE public.profiles TO oxkair_authenticated;

--
-- Name: COLUMN profiles.last_name; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT UPDATE(last_name) ON TABLE public.profiles TO oxkair_authenticated;

--
-- Name: COLUMN profiles.npi; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT UPDATE(npi) ON TABLE public.profiles TO oxkair_authenticated;

--
-- Name: COLUMN profiles.recovery_email; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT UPDATE(recovery_email) ON TABLE public.profiles TO oxkair_authenticated;

--
-- Name: COLUMN profiles.phone_number; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT UPDATE(phone_number) ON TABLE public.profiles TO oxkair_authenticated;

--
-- Name: COLUMN profiles.verification_status; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT UPDATE(verification_status) ON TABLE public.profiles TO oxkair_definer;

--
-- Name: TABLE user_settings; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT,DELETE,UPDATE ON TABLE public.user_settings TO oxkair_pgaudit;
GRANT SELECT ON TABLE public.user_settings TO oxkair_authenticated;
GRANT SELECT ON TABLE public.user_settings TO oxkair_backup;
GRANT SELECT,INSERT ON TABLE public.user_settings TO oxkair_definer;
GRANT SELECT,INSERT ON TABLE public.user_settings TO oxkair_migrator;

--
-- Name: COLUMN user_settings.id; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(id) ON TABLE public.user_settings TO oxkair_authenticated;

--
-- Name: COLUMN user_settings.theme; Type: ACL; Schema: public; Owner: oxkair_owner
--

GRANT INSERT(theme),UPDATE(theme) ON TABLE public.user_settings TO oxkair_authenticated;

--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: -; Owner: oxkair_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT SELECT ON SEQUENCES  TO oxkair_backup;

--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: -; Owner: oxkair_definer
--

ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_definer REVOKE ALL ON FUNCTIONS  FROM PUBLIC;

--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: -; Owner: oxkair_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner REVOKE ALL ON FUNCTIONS  FROM PUBLIC;

--
-- Name: DEFAULT PRIVILEGES FOR SCHEMAS; Type: DEFAULT ACL; Schema: -; Owner: oxkair_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT USAGE ON SCHEMAS  TO oxkair_backup;

--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: -; Owner: oxkair_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT SELECT ON TABLES  TO oxkair_backup;

--
-- PostgreSQL database dump complete
--
