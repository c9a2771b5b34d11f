-- Row-level security and grants: the access model of DESIGN.md. Each policy precedes its GRANT.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Helpers the policies call through a sub-select (evaluated once a query). │
-- │ SECURITY DEFINER so they can read the caller's own profile row without   │
-- │ re-entering the profiles policies.                                       │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.current_institution_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT p.institution_id FROM public.profiles p WHERE p.id = (SELECT auth.uid())
$$;
ALTER FUNCTION app.current_institution_id() OWNER TO oxkair_definer;

CREATE FUNCTION app.current_user_category() RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT p.user_category FROM public.profiles p WHERE p.id = (SELECT auth.uid())
$$;
ALTER FUNCTION app.current_user_category() OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION app.current_institution_id(), app.current_user_category()
  TO oxkair_authenticated;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ auth.users: nobody directly; SECURITY DEFINER functions only.            │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth.users FORCE ROW LEVEL SECURITY;

CREATE POLICY "Trusted functions manage users" ON auth.users
  TO oxkair_definer USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON auth.users TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ institutions: reference data; read through search/suggest functions.     │
-- │ Not forced: it holds no user data and the owner maintains it.            │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.institutions ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Trusted functions read institutions" ON public.institutions
  FOR SELECT TO oxkair_definer USING (true);
GRANT SELECT ON public.institutions TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ profiles                                                                 │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.profiles FORCE ROW LEVEL SECURITY;

CREATE POLICY "Users read their own profile" ON public.profiles
  FOR SELECT TO oxkair_authenticated
  USING (id = (SELECT auth.uid()));
GRANT SELECT ON public.profiles TO oxkair_authenticated;

CREATE POLICY "Users update their own profile" ON public.profiles
  FOR UPDATE TO oxkair_authenticated
  USING (id = (SELECT auth.uid()))
  WITH CHECK (id = (SELECT auth.uid()));
-- institution_id, user_category and verification_status are not the user's to change.
GRANT UPDATE (first_name, last_name, npi, recovery_email, phone_number)
  ON public.profiles TO oxkair_authenticated;

CREATE POLICY "Trusted functions read profiles" ON public.profiles
  FOR SELECT TO oxkair_definer USING (true);
GRANT SELECT ON public.profiles TO oxkair_definer;

-- Seed 2.1: a coder sees the providers of their own institution, id/name/category only.
CREATE FUNCTION public.institution_providers()
  RETURNS TABLE (id uuid, name text, user_category text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT p.id, p.name, p.user_category
    FROM public.profiles p
   WHERE p.institution_id = (SELECT app.current_institution_id())
     AND p.user_category = 'Provider'
   ORDER BY p.name, p.id
$$;
ALTER FUNCTION public.institution_providers() OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION public.institution_providers() TO oxkair_authenticated;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ user_settings                                                            │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.user_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_settings FORCE ROW LEVEL SECURITY;

CREATE POLICY "Users read their own settings" ON public.user_settings
  FOR SELECT TO oxkair_authenticated
  USING (id = (SELECT auth.uid()));
GRANT SELECT ON public.user_settings TO oxkair_authenticated;

CREATE POLICY "Users create their own settings" ON public.user_settings
  FOR INSERT TO oxkair_authenticated
  WITH CHECK (id = (SELECT auth.uid()));
GRANT INSERT (id, theme) ON public.user_settings TO oxkair_authenticated;

CREATE POLICY "Users update their own settings" ON public.user_settings
  FOR UPDATE TO oxkair_authenticated
  USING (id = (SELECT auth.uid()))
  WITH CHECK (id = (SELECT auth.uid()));
GRANT UPDATE (theme) ON public.user_settings TO oxkair_authenticated;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ medical_notes (PHI)                                                      │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.medical_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.medical_notes FORCE ROW LEVEL SECURITY;

CREATE POLICY "Coders and assigned providers read their cases" ON public.medical_notes
  FOR SELECT TO oxkair_authenticated
  USING (user_id = (SELECT auth.uid()) OR provider_user_id = (SELECT auth.uid()));
GRANT SELECT ON public.medical_notes TO oxkair_authenticated;

CREATE POLICY "Coders create cases of their own" ON public.medical_notes
  FOR INSERT TO oxkair_authenticated
  WITH CHECK (
    user_id = (SELECT auth.uid())
    AND (SELECT app.current_user_category()) = 'Medical Coder'
    AND coalesce(status, 'INCOMPLETE') IN ('INCOMPLETE', 'PENDING_CODER_REVIEW')
  );
GRANT INSERT (user_id, mrn, date_of_service, insurance_provider, status, operative_notes,
              admission_notes, discharge_notes, pathology_notes, progress_notes, bedside_notes,
              billable_notes, ai_raw_output, panel_data, final_processed_data, summary_data,
              workflow_status, case_number, provider_user_id, institution_id)
  ON public.medical_notes TO oxkair_authenticated;

CREATE POLICY "Creators edit their cases until provider review" ON public.medical_notes
  FOR UPDATE TO oxkair_authenticated
  USING (user_id = (SELECT auth.uid()) AND status IN ('INCOMPLETE', 'PENDING_CODER_REVIEW'))
  WITH CHECK (user_id = (SELECT auth.uid()));

CREATE POLICY "Assigned providers edit cases under their review" ON public.medical_notes
  FOR UPDATE TO oxkair_authenticated
  USING (provider_user_id = (SELECT auth.uid()) AND status = 'PENDING_PROVIDER_REVIEW')
  WITH CHECK (provider_user_id = (SELECT auth.uid()));
-- user_id, institution_id, case_number, id and created_at never change through the API.
GRANT UPDATE (mrn, date_of_service, insurance_provider, status, operative_notes, admission_notes,
              discharge_notes, pathology_notes, progress_notes, bedside_notes, billable_notes,
              ai_raw_output, panel_data, final_processed_data, summary_data, workflow_status,
              provider_user_id)
  ON public.medical_notes TO oxkair_authenticated;
-- No DELETE for anyone through the API: records are kept (HIPAA 164.316).

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
