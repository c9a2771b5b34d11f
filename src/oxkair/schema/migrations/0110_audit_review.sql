-- The privacy officer's access review (issue 14): who saw this patient, what did this user touch,
-- and whether the trail verified. Adds:
--   * privacy officers (per institution) and global auditors named from the CLI (0053's table);
--   * each institution's working hours and time zone (the out-of-hours flag);
--   * denied attempts (a 404 on a case that exists but is not the caller's) in the trail;
--   * the session id (the token's session_id claim) on every entry made through the API;
--   * recorded verification runs, so a report can say whether the chain verified over its period;
--   * app.audit_report(...): the report, in the database, scoped to the caller's designation,
--     each run itself audited; a GIN index that finds the reads of a case.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Every entry made through the API names its session (the access token's   │
-- │ session_id claim) in detail.session_id; otherwise 0054's writer as is.   │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE OR REPLACE FUNCTION audit.append(p_action text, p_table text, p_row_id text, p_old jsonb, p_new jsonb,
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

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Finding the reads of a case: READ entries carry the case ids in          │
-- │ detail.row_ids; without this index a patient's report reads every READ   │
-- │ entry of the period (bench/audit_report.py measures both).               │
-- └──────────────────────────────────────────────────────────────────────────┘
-- fastupdate off: each READ entry goes into the tree at once (a few keys), instead of a pending
-- list that some unlucky request flushes whole (tens of milliseconds at its p95).
CREATE INDEX log_read_row_ids_idx ON audit.log USING gin ((detail -> 'row_ids') jsonb_path_ops)
  WITH (fastupdate = off) WHERE action = 'READ';
-- A patient's cases by MRN (the report's first step; no index had it).
CREATE INDEX medical_notes_mrn_idx ON public.medical_notes (mrn, institution_id);

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Denied attempts: a 404 on a case that exists but the caller may not      │
-- │ read (another institution's, or a colleague's). The API calls this in    │
-- │ its own transaction after answering 404; it tells the caller nothing.    │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.log_case_denied(p_case_id uuid, p_endpoint text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
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
$$;
ALTER FUNCTION app.log_case_denied(uuid, text) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.log_case_denied(uuid, text) TO oxkair_authenticated;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Working hours of an institution, in its time zone (the out-of-hours      │
-- │ flag). No row: UTC, 07:00-19:00, weekends out of hours.                  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE app.institution_hours (
  institution_id uuid NOT NULL REFERENCES public.institutions(id),
  time_zone text NOT NULL DEFAULT 'UTC',
  day_starts time NOT NULL DEFAULT '07:00',
  day_ends time NOT NULL DEFAULT '19:00',
  weekends_out_of_hours boolean NOT NULL DEFAULT true,
  CONSTRAINT institution_hours_pkey PRIMARY KEY (institution_id),
  CONSTRAINT institution_hours_order CHECK (day_starts < day_ends)
);
ALTER TABLE app.institution_hours ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.institution_hours FORCE ROW LEVEL SECURITY;
CREATE POLICY "Trusted functions manage working hours" ON app.institution_hours
  TO oxkair_definer USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON app.institution_hours TO oxkair_definer;
DO $$ BEGIN PERFORM audit.install_row_change_trigger('app.institution_hours'); END $$;
-- (which ends by revoking CREATE on audit from the definer: granted again for what follows)
GRANT CREATE ON SCHEMA audit TO oxkair_definer;

-- `oxkair institutions hours` (as oxkair_owner).
CREATE FUNCTION app.set_institution_hours(p_institution uuid, p_time_zone text, p_day_starts time,
                                          p_day_ends time, p_weekends_out_of_hours boolean) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION app.set_institution_hours(uuid, text, time, time, boolean) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.set_institution_hours(uuid, text, time, time, boolean) TO oxkair_owner;

CREATE FUNCTION app.institution_hours_of(p_institution uuid)
  RETURNS TABLE (time_zone text, day_starts time, day_ends time, weekends_out_of_hours boolean)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT coalesce(h.time_zone, 'UTC'), coalesce(h.day_starts, '07:00'), coalesce(h.day_ends, '19:00'),
         coalesce(h.weekends_out_of_hours, true)
    FROM (SELECT p_institution AS id) i LEFT JOIN app.institution_hours h ON h.institution_id = i.id
$$;
ALTER FUNCTION app.institution_hours_of(uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.institution_hours_of(uuid) TO oxkair_owner;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Privacy officers (an institution's) and global auditors, named from the  │
-- │ CLI as the server's admin (0053's pattern for the first administrator).  │
-- │ OX404 no such user, OX422 the profile names another institution.         │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.name_reviewer(p_email text, p_designation text, p_institution uuid) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION app.name_reviewer(text, text, uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.name_reviewer(text, text, uuid) TO oxkair_owner;

CREATE FUNCTION app.remove_reviewer(p_email text, p_designation text, p_institution uuid) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION app.remove_reviewer(text, text, uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.remove_reviewer(text, text, uuid) TO oxkair_owner;

CREATE FUNCTION app.reviewers(p_designation text, p_institution uuid)
  RETURNS TABLE (email text, name text, granted_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT u.email, p.name, d.granted_at
    FROM app.designations d
    JOIN auth.users u ON u.id = d.user_id
    LEFT JOIN public.profiles p ON p.id = d.user_id
   WHERE d.designation = p_designation AND p_designation IN ('privacy_officer', 'global_auditor')
     AND d.institution_id IS NOT DISTINCT FROM p_institution
   ORDER BY d.granted_at, u.email
$$;
ALTER FUNCTION app.reviewers(text, uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.reviewers(text, uuid) TO oxkair_owner;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Verification runs: `oxkair audit verify` runs the check through this     │
-- │ function, which records its outcome (here and as an AUDIT_VERIFY entry), │
-- │ so a report states whether the chain verified over its period.           │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE audit.verification_run (
  at timestamptz NOT NULL,
  entries bigint NOT NULL,
  problems integer NOT NULL,
  CONSTRAINT verification_run_pkey PRIMARY KEY (at)
);
CREATE TRIGGER tg_verification_run__append_only BEFORE UPDATE OR DELETE ON audit.verification_run
  FOR EACH ROW EXECUTE FUNCTION audit.tg__forbid_change();
GRANT SELECT, INSERT ON audit.verification_run TO oxkair_definer;
GRANT SELECT ON audit.verification_run TO oxkair_auditor;
-- The definer now recomputes hashes (verification, the report's per-entry check): every column.
GRANT SELECT ON audit.log TO oxkair_definer;

CREATE FUNCTION audit.verify_and_record()
  RETURNS TABLE (lane smallint, seq bigint, problem text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
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
REVOKE EXECUTE ON FUNCTION audit.verify_and_record() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.verify_and_record() TO oxkair_auditor;
GRANT EXECUTE ON FUNCTION audit.verify_chain() TO oxkair_definer;
GRANT USAGE ON SCHEMA audit TO oxkair_auditor;

-- `oxkair audit export` records that the trail (PHI included) left the database.
CREATE FUNCTION audit.log_export(p_since timestamptz, p_entries bigint) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT audit.append('AUDIT_EXPORT', NULL, NULL, NULL, NULL,
                      pg_catalog.jsonb_build_object('since', p_since, 'entries', p_entries))
$$;
ALTER FUNCTION audit.log_export(timestamptz, bigint) OWNER TO oxkair_definer;
REVOKE EXECUTE ON FUNCTION audit.log_export(timestamptz, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.log_export(timestamptz, bigint) TO oxkair_auditor;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Who may run a report, over what: the CLI as oxkair_auditor (no end user) │
-- │ and a designated global auditor see every institution (or the one they  │
-- │ name); a privacy officer their own verified institution only. OX403     │
-- │ for anyone else, and for an officer naming another institution.         │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.audit_review_scope(p_institution uuid, OUT reviewer text, OUT institution_id uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION app.audit_review_scope(uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.audit_review_scope(uuid) TO oxkair_authenticated, oxkair_auditor;

-- Is the caller a reviewer at all (the page shows its link)? Never raises.
CREATE FUNCTION app.is_audit_reviewer() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT app.has_designation('global_auditor', NULL)
      OR app.has_designation('privacy_officer', (SELECT app.current_member_institution()))
$$;
ALTER FUNCTION app.is_audit_reviewer() OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.is_audit_reviewer() TO oxkair_authenticated;

GRANT SELECT ON public.institutions, public.profiles, auth.users TO oxkair_definer;
GRANT SELECT ON app.designations TO oxkair_definer;

REVOKE CREATE ON SCHEMA app, audit FROM oxkair_definer;
