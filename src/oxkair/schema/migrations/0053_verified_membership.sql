-- Verified institution membership (issue 12): a profile's institution_id gives access only once
-- verification_status = 'verified'. Until then a user has their own profile and settings and
-- nothing else: no case, not listed among providers, never a case's provider, no case created.
-- Two ways in: a confirmed email address in one of the institution's email_domains (or a
-- subdomain), or an institution administrator's approval. Changing institution starts over.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, auth, public TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The states (the seed's column and default kept):                         │
-- │   'not verified' claimed, waiting for a domain match or an administrator │
-- │   'verified'     a member: the institution's cases and providers         │
-- │   'rejected'     refused by an administrator (a new institution resets)  │
-- └──────────────────────────────────────────────────────────────────────────┘
ALTER TABLE public.profiles ADD CONSTRAINT profiles_verification_status_check
  CHECK (verification_status IN ('not verified', 'verified', 'rejected'));

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Designations outside the seed's user_category, per institution (a global │
-- │ auditor has none). Granted by the CLI or an administrator; audited.      │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE app.designations (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id),
  designation text NOT NULL
    CHECK (designation IN ('institution_admin', 'privacy_officer', 'global_auditor')),
  institution_id uuid REFERENCES public.institutions(id),
  granted_by uuid REFERENCES auth.users(id),   -- NULL when named from the CLI
  granted_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT designations_pkey PRIMARY KEY (id),
  CONSTRAINT designations_scope CHECK ((designation = 'global_auditor') = (institution_id IS NULL)),
  CONSTRAINT designations_once UNIQUE NULLS NOT DISTINCT (user_id, designation, institution_id)
);
CREATE INDEX designations_institution_id_idx ON app.designations (institution_id, designation);

ALTER TABLE app.designations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.designations FORCE ROW LEVEL SECURITY;
-- Nobody reads or writes designations directly: the functions below decide who may.
CREATE POLICY "Trusted functions manage designations" ON app.designations
  TO oxkair_definer USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON app.designations TO oxkair_definer;

DO $$ BEGIN PERFORM audit.install_row_change_trigger('app.designations'); END $$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The one definition of membership: the caller's institution, only once    │
-- │ verified (NULL otherwise). Policies call it through a sub-select.        │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.current_member_institution() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT p.institution_id FROM public.profiles p
   WHERE p.id = (SELECT auth.uid()) AND p.verification_status = 'verified'
$$;
ALTER FUNCTION app.current_member_institution() OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.current_member_institution() TO oxkair_authenticated;

-- Does the user's confirmed address belong to one of the institution's email domains (or a
-- subdomain of one)? Compared without LIKE, so a domain's '_' is not a wildcard.
CREATE FUNCTION app.email_domain_verifies(p_user uuid, p_institution uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT FROM auth.users u
      JOIN public.institutions i ON i.id = p_institution
      CROSS JOIN LATERAL unnest(i.email_domains) AS d(domain)
      CROSS JOIN LATERAL (SELECT lower(substring(u.email FROM '@([^@]+)$')) AS host,
                                 lower(ltrim(btrim(d.domain), '@')) AS dom) x
     WHERE u.id = p_user AND u.email_confirmed_at IS NOT NULL AND x.dom <> ''
       AND (x.host = x.dom OR right(x.host, length(x.dom) + 1) = '.' || x.dom)
  )
$$;
ALTER FUNCTION app.email_domain_verifies(uuid, uuid) OWNER TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ State changes the database makes itself                                  │
-- └──────────────────────────────────────────────────────────────────────────┘
-- A new institution starts over; a 'not verified' profile whose confirmed address matches its
-- institution's domains is verified at once. An explicit state given at INSERT is kept (the
-- data migration marks the members it brings, `oxkair demo` its demo users).
CREATE FUNCTION app.tg_profiles__membership() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
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

CREATE TRIGGER tg_profiles__membership BEFORE INSERT OR UPDATE OF institution_id ON public.profiles
  FOR EACH ROW EXECUTE FUNCTION app.tg_profiles__membership();

-- Confirming the address (verification link, password reset, an OIDC issuer's verified email)
-- verifies a waiting profile whose institution lists the address's domain.
CREATE FUNCTION app.tg_users__membership_by_domain() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
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

CREATE TRIGGER tg_users__membership_by_domain AFTER UPDATE OF email_confirmed_at ON auth.users
  FOR EACH ROW WHEN (OLD.email_confirmed_at IS NULL AND NEW.email_confirmed_at IS NOT NULL)
  EXECUTE FUNCTION app.tg_users__membership_by_domain();

-- The definer changes verification_status (administrators' decisions) and nothing else.
CREATE POLICY "Trusted functions record membership decisions" ON public.profiles
  FOR UPDATE TO oxkair_definer USING (true) WITH CHECK (true);
GRANT UPDATE (verification_status) ON public.profiles TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ medical_notes: every policy of end users now also requires a verified    │
-- │ member of the case's institution.                                        │
-- └──────────────────────────────────────────────────────────────────────────┘
DROP POLICY "Coders and assigned providers read their cases" ON public.medical_notes;
CREATE POLICY "Verified members read the cases they created or are assigned" ON public.medical_notes
  FOR SELECT TO oxkair_authenticated
  USING ((user_id = (SELECT auth.uid()) OR provider_user_id = (SELECT auth.uid()))
         AND institution_id = (SELECT app.current_member_institution()));

DROP POLICY "Coders create cases of their own" ON public.medical_notes;
CREATE POLICY "Verified coders create cases of their own institution" ON public.medical_notes
  FOR INSERT TO oxkair_authenticated
  WITH CHECK (
    user_id = (SELECT auth.uid())
    AND institution_id = (SELECT app.current_member_institution())
    AND (SELECT app.current_user_category()) = 'Medical Coder'
    AND coalesce(status, 'INCOMPLETE') IN ('INCOMPLETE', 'PENDING_CODER_REVIEW')
  );

DROP POLICY "Creators edit their cases until provider review" ON public.medical_notes;
CREATE POLICY "Verified creators edit their cases until provider review" ON public.medical_notes
  FOR UPDATE TO oxkair_authenticated
  USING (user_id = (SELECT auth.uid()) AND status IN ('INCOMPLETE', 'PENDING_CODER_REVIEW')
         AND institution_id = (SELECT app.current_member_institution()))
  WITH CHECK (user_id = (SELECT auth.uid()));

DROP POLICY "Assigned providers edit cases under their review" ON public.medical_notes;
CREATE POLICY "Verified assigned providers edit cases under their review" ON public.medical_notes
  FOR UPDATE TO oxkair_authenticated
  USING (provider_user_id = (SELECT auth.uid()) AND status = 'PENDING_PROVIDER_REVIEW'
         AND institution_id = (SELECT app.current_member_institution()))
  WITH CHECK (provider_user_id = (SELECT auth.uid()));

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

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Case invariants (0003's row trigger; 0052's bulk check below): the       │
-- │ creator is a verified member, the provider a verified Provider of the    │
-- │ case's institution, whoever writes.                                      │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE OR REPLACE FUNCTION app.tg_medical_notes__check_invariants() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  creator_institution uuid;
  creator_status text;
  old_status text;
BEGIN
  SELECT p.institution_id, p.verification_status INTO creator_institution, creator_status
    FROM public.profiles p WHERE p.id = NEW.user_id;

  IF TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id
     OR NEW.institution_id IS DISTINCT FROM OLD.institution_id THEN
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
       TG_OP = 'INSERT'
       OR NEW.provider_user_id IS DISTINCT FROM OLD.provider_user_id
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

  IF TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status THEN
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

CREATE OR REPLACE FUNCTION app.tg_medical_notes__check_invariants_bulk() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  bad_id uuid;
  bad_constraint text;
BEGIN
  -- The row trigger's INSERT rules, as what must hold once its fill has happened.
  SELECT v.id, v.broken INTO bad_id, bad_constraint
    FROM (SELECT n.id,
                 CASE
                   WHEN c.verification_status IS DISTINCT FROM 'verified'
                     THEN 'medical_notes_creator_verified'
                   WHEN n.institution_id IS DISTINCT FROM c.institution_id
                     THEN 'medical_notes_institution_is_creators'
                   WHEN n.provider_user_id IS NOT NULL
                        AND NOT coalesce(p.user_category = 'Provider' AND p.institution_id = n.institution_id
                                         AND p.verification_status = 'verified', false)
                     THEN 'medical_notes_provider_in_institution'
                   WHEN n.status = 'PENDING_PROVIDER_REVIEW' AND n.provider_user_id IS NULL
                     THEN 'medical_notes_provider_required'
                 END AS broken
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

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Institution administrators. Each function takes who acts from the        │
-- │ session (auth.uid()), and acts only within the caller's own verified     │
-- │ institution. Errors: OX403 not an administrator, OX404 no such member    │
-- │ there, OX422 a decision that makes no sense (about oneself, unknown).    │
-- └──────────────────────────────────────────────────────────────────────────┘
-- The institution the caller administers (NULL unless a verified member designated its admin).
CREATE FUNCTION app.current_admin_institution() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT d.institution_id FROM app.designations d
   WHERE d.user_id = (SELECT auth.uid()) AND d.designation = 'institution_admin'
     AND d.institution_id = (SELECT app.current_member_institution())
$$;
ALTER FUNCTION app.current_admin_institution() OWNER TO oxkair_definer;

-- Does the caller hold this designation (for their verified institution, or globally)?
CREATE FUNCTION app.has_designation(p_designation text, p_institution uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT FROM app.designations d
     WHERE d.user_id = (SELECT auth.uid()) AND d.designation = p_designation
       AND d.institution_id IS NOT DISTINCT FROM p_institution
       AND (d.institution_id IS NULL OR d.institution_id = (SELECT app.current_member_institution())))
$$;
ALTER FUNCTION app.has_designation(text, uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.has_designation(text, uuid) TO oxkair_authenticated;

CREATE FUNCTION app.require_admin() RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = ''
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

-- The members (and applicants) of the caller's institution, for its administrators.
CREATE FUNCTION public.institution_members(p_status text DEFAULT NULL)
  RETURNS TABLE (id uuid, name text, email text, user_category text, verification_status text,
                 is_admin boolean, created_at timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION public.institution_members(text) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION public.institution_members(text) TO oxkair_authenticated;

-- Approve ('verified') or reject ('rejected') a member of the caller's institution.
CREATE FUNCTION public.decide_membership(p_user uuid, p_decision text) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION public.decide_membership(uuid, text) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION public.decide_membership(uuid, text) TO oxkair_authenticated;

-- Name another administrator: a verified member of the caller's own institution.
CREATE FUNCTION public.add_institution_admin(p_user uuid) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION public.add_institution_admin(uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION public.add_institution_admin(uuid) TO oxkair_authenticated;

-- `oxkair institutions admins add` (run by the server's admin as oxkair_owner): names the
-- first administrator of an institution. The user's profile must already name that institution;
-- naming them verifies them. Audited with no end user as actor: the CLI's login is recorded.
CREATE FUNCTION app.name_institution_admin(p_email text, p_institution uuid) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION app.name_institution_admin(text, uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.name_institution_admin(text, uuid) TO oxkair_owner;

CREATE FUNCTION app.remove_institution_admin(p_email text, p_institution uuid) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
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
ALTER FUNCTION app.remove_institution_admin(text, uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.remove_institution_admin(text, uuid) TO oxkair_owner;

CREATE FUNCTION app.institution_admins(p_institution uuid)
  RETURNS TABLE (email text, name text, granted_at timestamptz, granted_by_email text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT u.email, p.name, d.granted_at, g.email
    FROM app.designations d
    JOIN auth.users u ON u.id = d.user_id
    LEFT JOIN public.profiles p ON p.id = d.user_id
    LEFT JOIN auth.users g ON g.id = d.granted_by
   WHERE d.designation = 'institution_admin' AND d.institution_id = p_institution
   ORDER BY d.granted_at, u.email
$$;
ALTER FUNCTION app.institution_admins(uuid) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.institution_admins(uuid) TO oxkair_owner;

REVOKE CREATE ON SCHEMA app, auth, public FROM oxkair_definer;
