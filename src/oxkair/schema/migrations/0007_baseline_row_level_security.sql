-- ╔══════════════════════════════════════════════════════════════════════════╗
-- ║ Row-level security of the seed's tables: every policy, table by table,   ║
-- ║ with the grants it works with. A policy decides which rows; the grant    ║
-- ║ beside it decides which columns and commands. Roles: roles.sql.          ║
-- ║ Who the caller is (auth.uid(), app.current_member_institution(), ...):   ║
-- ║ 0001 and 0005. The data migration's and backups' policies: 0009, 0010.   ║
-- ╚══════════════════════════════════════════════════════════════════════════╝
-- Every table is FORCED except institutions (reference data, no user data): even the owner
-- sees rows only through a policy. End users are oxkair_authenticated; oxkair_definer is the
-- owner of the SECURITY DEFINER functions, which apply their own checks.

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ auth.users                                                               │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth.users FORCE ROW LEVEL SECURITY;

-- Nobody reads or writes accounts directly; the auth functions (0004) do, for the caller only.
CREATE POLICY "Trusted functions manage users" ON auth.users
  TO oxkair_definer USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON auth.users TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ public.institutions: reference data, read through search and suggest     │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.institutions ENABLE ROW LEVEL SECURITY;

-- Only the search and suggestion functions (0008) read institutions; end users call them.
CREATE POLICY "Trusted functions read institutions" ON public.institutions
  FOR SELECT TO oxkair_definer USING (true);
GRANT SELECT ON public.institutions TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ public.profiles                                                          │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.profiles FORCE ROW LEVEL SECURITY;

-- A user reads their own profile, and no one else's.
CREATE POLICY "Users read their own profile" ON public.profiles
  FOR SELECT TO oxkair_authenticated
  USING (id = (SELECT auth.uid()));
GRANT SELECT ON public.profiles TO oxkair_authenticated;

-- A user edits their own name, NPI and contact details; institution_id, user_category and
-- verification_status are not theirs to change (no column grant).
CREATE POLICY "Users update their own profile" ON public.profiles
  FOR UPDATE TO oxkair_authenticated
  USING (id = (SELECT auth.uid()))
  WITH CHECK (id = (SELECT auth.uid()));
GRANT UPDATE (first_name, last_name, npi, recovery_email, phone_number)
  ON public.profiles TO oxkair_authenticated;

-- The trusted functions read profiles to answer for the caller (membership, providers, names).
CREATE POLICY "Trusted functions read profiles" ON public.profiles
  FOR SELECT TO oxkair_definer USING (true);
GRANT SELECT ON public.profiles TO oxkair_definer;

-- Signup creates the profile in the same transaction as the account.
CREATE POLICY "Trusted functions create profiles" ON public.profiles
  FOR INSERT TO oxkair_definer WITH CHECK (true);
GRANT INSERT ON public.profiles TO oxkair_definer;

-- Membership decisions (an institution administrator's, or the email domain's) change
-- verification_status, and nothing else of a profile.
CREATE POLICY "Trusted functions record membership decisions" ON public.profiles
  FOR UPDATE TO oxkair_definer USING (true) WITH CHECK (true);
GRANT UPDATE (verification_status) ON public.profiles TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ public.user_settings                                                     │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.user_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_settings FORCE ROW LEVEL SECURITY;

-- A user reads their own settings.
CREATE POLICY "Users read their own settings" ON public.user_settings
  FOR SELECT TO oxkair_authenticated
  USING (id = (SELECT auth.uid()));
GRANT SELECT ON public.user_settings TO oxkair_authenticated;

-- A user creates their own settings row (the theme only).
CREATE POLICY "Users create their own settings" ON public.user_settings
  FOR INSERT TO oxkair_authenticated
  WITH CHECK (id = (SELECT auth.uid()));
GRANT INSERT (id, theme) ON public.user_settings TO oxkair_authenticated;

-- A user changes their own theme.
CREATE POLICY "Users update their own settings" ON public.user_settings
  FOR UPDATE TO oxkair_authenticated
  USING (id = (SELECT auth.uid()))
  WITH CHECK (id = (SELECT auth.uid()));
GRANT UPDATE (theme) ON public.user_settings TO oxkair_authenticated;

-- Signup creates the settings row with the account; the trusted functions read it back.
CREATE POLICY "Trusted functions create settings" ON public.user_settings
  FOR INSERT TO oxkair_definer WITH CHECK (true);
CREATE POLICY "Trusted functions read settings" ON public.user_settings
  FOR SELECT TO oxkair_definer USING (true);
GRANT SELECT, INSERT ON public.user_settings TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ public.medical_notes (PHI). Every end-user rule requires a verified      │
-- │ member of the case's institution (app.current_member_institution, 0005): │
-- │ an unverified user, or one who moved institution, sees no case at all.   │
-- │ Who may move a case where: the case rules (0006), which every writer,    │
-- │ the API and the data migration alike, meets.                             │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.medical_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.medical_notes FORCE ROW LEVEL SECURITY;

-- A verified member reads the cases they created and those assigned to them as provider.
CREATE POLICY "Verified members read the cases they created or are assigned" ON public.medical_notes
  FOR SELECT TO oxkair_authenticated
  USING ((user_id = (SELECT auth.uid()) OR provider_user_id = (SELECT auth.uid()))
         AND institution_id = (SELECT app.current_member_institution()));
GRANT SELECT ON public.medical_notes TO oxkair_authenticated;

-- A verified Medical Coder creates cases of their own, in their institution, not yet past
-- coder review.
CREATE POLICY "Verified coders create cases of their own institution" ON public.medical_notes
  FOR INSERT TO oxkair_authenticated
  WITH CHECK (
    user_id = (SELECT auth.uid())
    AND institution_id = (SELECT app.current_member_institution())
    AND (SELECT app.current_user_category()) = 'Medical Coder'
    AND coalesce(status, 'INCOMPLETE') IN ('INCOMPLETE', 'PENDING_CODER_REVIEW')
  );
GRANT INSERT (user_id, mrn, date_of_service, insurance_provider, status, operative_notes,
              admission_notes, discharge_notes, pathology_notes, progress_notes, bedside_notes,
              billable_notes, ai_raw_output, panel_data, final_processed_data, summary_data,
              workflow_status, case_number, provider_user_id, institution_id)
  ON public.medical_notes TO oxkair_authenticated;

-- The creator edits their case until it goes to provider review.
CREATE POLICY "Verified creators edit their cases until provider review" ON public.medical_notes
  FOR UPDATE TO oxkair_authenticated
  USING (user_id = (SELECT auth.uid()) AND status IN ('INCOMPLETE', 'PENDING_CODER_REVIEW')
         AND institution_id = (SELECT app.current_member_institution()))
  WITH CHECK (user_id = (SELECT auth.uid()));

-- The assigned provider edits the case while it is under their review.
CREATE POLICY "Verified assigned providers edit cases under their review" ON public.medical_notes
  FOR UPDATE TO oxkair_authenticated
  USING (provider_user_id = (SELECT auth.uid()) AND status = 'PENDING_PROVIDER_REVIEW'
         AND institution_id = (SELECT app.current_member_institution()))
  WITH CHECK (provider_user_id = (SELECT auth.uid()));

-- user_id, institution_id, case_number, id and created_at never change through the API.
GRANT UPDATE (mrn, date_of_service, insurance_provider, status, operative_notes, admission_notes,
              discharge_notes, pathology_notes, progress_notes, bedside_notes, billable_notes,
              ai_raw_output, panel_data, final_processed_data, summary_data, workflow_status,
              provider_user_id)
  ON public.medical_notes TO oxkair_authenticated;

-- Emergency access (HIPAA 164.312(a)(2)(ii)) reads every case, and every row it reads is
-- written to the audit trail first (app.log_break_glass_read, 0003).
CREATE POLICY "Emergency access reads every case, each read audited" ON public.medical_notes
  FOR SELECT TO oxkair_break_glass
  USING (app.log_break_glass_read('public.medical_notes', id));
GRANT SELECT ON public.medical_notes TO oxkair_break_glass;

-- The trusted functions read cases only to apply the caller's read rule themselves (the access
-- log's app.log_case_reads, the case history's public.case_history).
CREATE POLICY "Trusted functions read cases" ON public.medical_notes
  FOR SELECT TO oxkair_definer USING (true);
GRANT SELECT ON public.medical_notes TO oxkair_definer;