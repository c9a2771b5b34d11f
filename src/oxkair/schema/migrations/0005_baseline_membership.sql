-- ╔═══════════════════════════════════════════════════════════════════════════════════════════╗
-- ║ Who the caller is and what they belong to: their institution, their category, verified    ║
-- ║ membership (profiles.verification_status: 'not verified', 'verified', 'rejected'), the    ║
-- ║ designations (institution administrators and the like) and the administrators' functions. ║
-- ║ docs/auth.md ("Verified membership").                                                     ║
-- ╚═══════════════════════════════════════════════════════════════════════════════════════════╝

-- Handing functions to oxkair_definer needs CREATE on their schema: granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, auth, public TO oxkair_definer;

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

-- app.current_member_institution() is plpgsql, not SECURITY DEFINER. Every end-user
-- policy of medical_notes calls it once per query; as a SQL SECURITY DEFINER function its body
-- was parsed and planned again on every query (a SQL function's plan lives for one call of the
-- outer query), which took the worklist under RLS from ~1.1x to ~1.5x the same query with the
-- equivalent WHERE (bench/rls_overhead.py --quick). plpgsql keeps the plan for the session.
-- It needs no definer rights: the caller's own profile row is theirs to read ("Users read their
-- own profile"), and the definer's functions that call it read every profile anyway.

CREATE FUNCTION app.current_member_institution() RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY INVOKER
  SET search_path = ''
AS $$
BEGIN
  RETURN (SELECT p.institution_id FROM public.profiles p
           WHERE p.id = auth.uid() AND p.verification_status = 'verified');
END
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

-- Seed 2.1, for verified members only: the verified Providers of one's own institution.
CREATE FUNCTION public.institution_providers()
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

ALTER FUNCTION public.institution_providers() OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION public.institution_providers() TO oxkair_authenticated;

REVOKE CREATE ON SCHEMA app, audit, auth, public FROM oxkair_definer;