-- Handing functions to oxkair_definer needs CREATE on their schema: granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, auth, public TO oxkair_definer;

-- [0004]
-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ auth.users: nobody directly; SECURITY DEFINER functions only.            │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;

-- [0004]
ALTER TABLE auth.users FORCE ROW LEVEL SECURITY;

-- [0004]
CREATE POLICY "Trusted functions manage users" ON auth.users
  TO oxkair_definer USING (true) WITH CHECK (true);

-- [0004]
GRANT SELECT, INSERT, UPDATE ON auth.users TO oxkair_definer;

-- [0004]
-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ institutions: reference data; read through search/suggest functions.     │
-- │ Not forced: it holds no user data and the owner maintains it.            │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.institutions ENABLE ROW LEVEL SECURITY;

-- [0004]
CREATE POLICY "Trusted functions read institutions" ON public.institutions
  FOR SELECT TO oxkair_definer USING (true);

-- [0004]
GRANT SELECT ON public.institutions TO oxkair_definer;

-- [0004]
-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ profiles                                                                 │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;

-- [0004]
ALTER TABLE public.profiles FORCE ROW LEVEL SECURITY;

-- [0004]
CREATE POLICY "Users read their own profile" ON public.profiles
  FOR SELECT TO oxkair_authenticated
  USING (id = (SELECT auth.uid()));

-- [0004]
GRANT SELECT ON public.profiles TO oxkair_authenticated;

-- [0004]
CREATE POLICY "Users update their own profile" ON public.profiles
  FOR UPDATE TO oxkair_authenticated
  USING (id = (SELECT auth.uid()))
  WITH CHECK (id = (SELECT auth.uid()));

-- [0004]
-- institution_id, user_category and verification_status are not the user's to change.
GRANT UPDATE (first_name, last_name, npi, recovery_email, phone_number)
  ON public.profiles TO oxkair_authenticated;

-- [0004]
CREATE POLICY "Trusted functions read profiles" ON public.profiles
  FOR SELECT TO oxkair_definer USING (true);

-- [0004]
GRANT SELECT ON public.profiles TO oxkair_definer;

-- [0004→0053]
-- Seed 2.1, for verified members only: the verified Providers of one's own institution.
CREATE OR REPLACE FUNCTION public.institution_providers()
  RETURNS TABLE (id uuid, name text, user_category text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT p.id, p.name, p.user_category
    FROM public.profiles p
   WHERE p.institution_id = (SELECT app.current_member_institution())
     AND p.user_category = 'Provider'
     AND p.verification_status = 'verified'
   ORDER BY p.name, p.id
$$;

-- [0004]
ALTER FUNCTION public.institution_providers() OWNER TO oxkair_definer;

-- [0004]
GRANT EXECUTE ON FUNCTION public.institution_providers() TO oxkair_authenticated;

-- [0004]
-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ user_settings                                                            │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.user_settings ENABLE ROW LEVEL SECURITY;

-- [0004]
ALTER TABLE public.user_settings FORCE ROW LEVEL SECURITY;

-- [0004]
CREATE POLICY "Users read their own settings" ON public.user_settings
  FOR SELECT TO oxkair_authenticated
  USING (id = (SELECT auth.uid()));

-- [0004]
GRANT SELECT ON public.user_settings TO oxkair_authenticated;

-- [0004]
CREATE POLICY "Users create their own settings" ON public.user_settings
  FOR INSERT TO oxkair_authenticated
  WITH CHECK (id = (SELECT auth.uid()));

-- [0004]
GRANT INSERT (id, theme) ON public.user_settings TO oxkair_authenticated;

-- [0004]
CREATE POLICY "Users update their own settings" ON public.user_settings
  FOR UPDATE TO oxkair_authenticated
  USING (id = (SELECT auth.uid()))
  WITH CHECK (id = (SELECT auth.uid()));

-- [0004]
GRANT UPDATE (theme) ON public.user_settings TO oxkair_authenticated;

-- [0004]
-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ medical_notes (PHI)                                                      │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.medical_notes ENABLE ROW LEVEL SECURITY;

-- [0004]
ALTER TABLE public.medical_notes FORCE ROW LEVEL SECURITY;

-- [0004]
GRANT SELECT ON public.medical_notes TO oxkair_authenticated;

-- [0004]
GRANT INSERT (user_id, mrn, date_of_service, insurance_provider, status, operative_notes,
              admission_notes, discharge_notes, pathology_notes, progress_notes, bedside_notes,
              billable_notes, ai_raw_output, panel_data, final_processed_data, summary_data,
              workflow_status, case_number, provider_user_id, institution_id)
  ON public.medical_notes TO oxkair_authenticated;

-- [0004]
-- user_id, institution_id, case_number, id and created_at never change through the API.
GRANT UPDATE (mrn, date_of_service, insurance_provider, status, operative_notes, admission_notes,
              discharge_notes, pathology_notes, progress_notes, bedside_notes, billable_notes,
              ai_raw_output, panel_data, final_processed_data, summary_data, workflow_status,
              provider_user_id)
  ON public.medical_notes TO oxkair_authenticated;

-- [0005]
CREATE POLICY "Emergency access reads every case, each read audited" ON public.medical_notes
  FOR SELECT TO oxkair_break_glass
  USING (app.log_break_glass_read('public.medical_notes', id));

-- [0010]
-- Signup creates the profile and settings rows in the same transaction as the user.
CREATE POLICY "Trusted functions create profiles" ON public.profiles
  FOR INSERT TO oxkair_definer WITH CHECK (true);

-- [0010]
CREATE POLICY "Trusted functions create settings" ON public.user_settings
  FOR INSERT TO oxkair_definer WITH CHECK (true);

-- [0010]
CREATE POLICY "Trusted functions read settings" ON public.user_settings
  FOR SELECT TO oxkair_definer USING (true);

-- [0053]
-- The definer changes verification_status (administrators' decisions) and nothing else.
CREATE POLICY "Trusted functions record membership decisions" ON public.profiles
  FOR UPDATE TO oxkair_definer USING (true) WITH CHECK (true);

-- [0053]
CREATE POLICY "Verified members read the cases they created or are assigned" ON public.medical_notes
  FOR SELECT TO oxkair_authenticated
  USING ((user_id = (SELECT auth.uid()) OR provider_user_id = (SELECT auth.uid()))
         AND institution_id = (SELECT app.current_member_institution()));

-- [0053]
CREATE POLICY "Verified coders create cases of their own institution" ON public.medical_notes
  FOR INSERT TO oxkair_authenticated
  WITH CHECK (
    user_id = (SELECT auth.uid())
    AND institution_id = (SELECT app.current_member_institution())
    AND (SELECT app.current_user_category()) = 'Medical Coder'
    AND coalesce(status, 'INCOMPLETE') IN ('INCOMPLETE', 'PENDING_CODER_REVIEW')
  );

-- [0053]
CREATE POLICY "Verified creators edit their cases until provider review" ON public.medical_notes
  FOR UPDATE TO oxkair_authenticated
  USING (user_id = (SELECT auth.uid()) AND status IN ('INCOMPLETE', 'PENDING_CODER_REVIEW')
         AND institution_id = (SELECT app.current_member_institution()))
  WITH CHECK (user_id = (SELECT auth.uid()));

-- [0053]
CREATE POLICY "Verified assigned providers edit cases under their review" ON public.medical_notes
  FOR UPDATE TO oxkair_authenticated
  USING (provider_user_id = (SELECT auth.uid()) AND status = 'PENDING_PROVIDER_REVIEW'
         AND institution_id = (SELECT app.current_member_institution()))
  WITH CHECK (provider_user_id = (SELECT auth.uid()));

-- [0054]
-- The definer reads cases only for the access log's check above.
CREATE POLICY "Trusted functions read cases" ON public.medical_notes
  FOR SELECT TO oxkair_definer USING (true);

REVOKE CREATE ON SCHEMA app, audit, auth, public FROM oxkair_definer;
