-- The access report (issue 14): every read and change of a patient's cases (MRN), of one case,
-- or everything a user read or changed, over a period, with review flags. One definition in the
-- database, shared by `oxkair audit report`, GET /audit/report and the privacy officer's page.
-- The rules of the flags are in docs/audit.md ("Review flags").

GRANT CREATE ON SCHEMA app TO oxkair_definer;
GRANT USAGE ON SCHEMA app TO oxkair_auditor;

-- The cases an entry is about: a READ's listed ids, or a case entry's row. Not a definer and
-- every name qualified, so it has no search_path of its own: the planner inlines it.
CREATE FUNCTION app.audit_entry_cases(p_kind text, p_relation text, p_row text, p_info jsonb)
  RETURNS SETOF uuid
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT r.id::uuid
    FROM pg_catalog.jsonb_array_elements_text(CASE WHEN p_kind = 'READ' AND p_relation = 'public.medical_notes'
                                                   THEN p_info -> 'row_ids' END) AS r(id)
  UNION ALL
  SELECT CASE WHEN p_relation = 'public.medical_notes' THEN p_row::uuid END
   WHERE p_kind <> 'READ' OR p_relation IS DISTINCT FROM 'public.medical_notes'
$$;
ALTER FUNCTION app.audit_entry_cases(text, text, text, jsonb) OWNER TO oxkair_definer;
REVOKE EXECUTE ON FUNCTION app.audit_entry_cases(text, text, text, jsonb) FROM PUBLIC;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The entries. Not callable by anyone but its owner: app.audit_report      │
-- │ below decides the scope (p_institution) from the caller's designation.   │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.audit_report_entries(p_mrn text, p_case_number text, p_user uuid, p_institution uuid,
                                         p_from timestamptz, p_to timestamptz)
  RETURNS TABLE (at timestamptz, lane smallint, seq bigint,
                 user_id uuid, user_name text, user_email text, user_category text, user_institution text,
                 db_role text, login text,
                 what text, fields text[], status_from text, status_to text,
                 case_id uuid, case_number text, mrn text, case_institution text,
                 client_addr inet, session_id text, endpoint text, flags text[], intact boolean)
  LANGUAGE sql STABLE
  SET search_path = ''
  SET TimeZone = 'UTC'
  SET jit = off  -- its estimates (lateral lookups per entry) buy seconds of compilation for nothing
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
ALTER FUNCTION app.audit_report_entries(text, text, uuid, uuid, timestamptz, timestamptz) OWNER TO oxkair_definer;
REVOKE EXECUTE ON FUNCTION app.audit_report_entries(text, text, uuid, uuid, timestamptz, timestamptz) FROM PUBLIC;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The report: the caller's scope (app.audit_review_scope), the entries,    │
-- │ and an AUDIT_REPORT entry recording the run (who asked what, how many). │
-- │ OX422 a report of nothing or of an empty period; OX404 a user outside    │
-- │ the caller's scope; OX403 not a reviewer (0110).                         │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.audit_report(p_mrn text, p_case_number text, p_user_email text, p_institution uuid,
                                 p_from timestamptz, p_to timestamptz)
  RETURNS TABLE (at timestamptz, lane smallint, seq bigint,
                 user_id uuid, user_name text, user_email text, user_category text, user_institution text,
                 db_role text, login text,
                 what text, fields text[], status_from text, status_to text,
                 case_id uuid, case_number text, mrn text, case_institution text,
                 client_addr inet, session_id text, endpoint text, flags text[], intact boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION app.audit_report(text, text, text, uuid, timestamptz, timestamptz) OWNER TO oxkair_definer;
REVOKE EXECUTE ON FUNCTION app.audit_report(text, text, text, uuid, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.audit_report(text, text, text, uuid, timestamptz, timestamptz)
  TO oxkair_authenticated, oxkair_auditor;

-- The latest verification run (0110), for the report's statement about the chain; reviewers only.
CREATE FUNCTION app.audit_last_verification()
  RETURNS TABLE (verified_at timestamptz, entries bigint, problems integer)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT v.at, v.entries, v.problems
    FROM audit.verification_run v
   WHERE (SELECT s.reviewer FROM app.audit_review_scope(NULL) s) IS NOT NULL
   ORDER BY v.at DESC
   LIMIT 1
$$;
ALTER FUNCTION app.audit_last_verification() OWNER TO oxkair_definer;
REVOKE EXECUTE ON FUNCTION app.audit_last_verification() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.audit_last_verification() TO oxkair_authenticated, oxkair_auditor;

REVOKE CREATE ON SCHEMA app FROM oxkair_definer;
