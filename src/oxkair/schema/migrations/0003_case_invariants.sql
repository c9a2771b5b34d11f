-- Invariants of a case, enforced in the database whoever writes (DESIGN.md "Invariants live in the schema").

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ A case's institution is its creator's; the assigned provider is a        │
-- │ Provider of that institution; status moves only along the flow:          │
-- │   INCOMPLETE → PENDING_CODER_REVIEW → PENDING_PROVIDER_REVIEW            │
-- │   → PENDING_BILLING, and PENDING_PROVIDER_REVIEW → PENDING_CODER_REVIEW  │
-- │ Errors are check_violation (23514) with a constraint name the API maps.  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.tg_medical_notes__check_invariants() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  creator_institution uuid;
  old_status text;
BEGIN
  SELECT p.institution_id INTO creator_institution
    FROM public.profiles p WHERE p.id = NEW.user_id;

  IF TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id
     OR NEW.institution_id IS DISTINCT FROM OLD.institution_id THEN
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
    ) THEN
      RAISE EXCEPTION 'the assigned provider must be a Provider of the case''s institution'
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
ALTER FUNCTION app.tg_medical_notes__check_invariants() OWNER TO oxkair_definer;

CREATE TRIGGER tg_medical_notes__check_invariants
  BEFORE INSERT OR UPDATE ON public.medical_notes
  FOR EACH ROW EXECUTE FUNCTION app.tg_medical_notes__check_invariants();

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
