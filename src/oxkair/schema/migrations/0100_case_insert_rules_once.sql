-- The rules a new case must meet, stated once (issue 16). The row trigger (every writer) and the
-- data migration's bulk-load check (one statement per chunk) both ask
-- app.case_insert_rule_broken, which names the first rule a new case breaks, or NULL:
--   1. its creator is a verified member of an institution;
--   2. the case belongs to its creator's institution;
--   3. its provider, if any, is a verified Provider of that institution;
--   4. a case pending provider review has a provider.
-- A plain SQL function (IMMUTABLE, no SET): PostgreSQL inlines it into the bulk check's query,
-- so the set-based check costs what its CASE cost. Changes to a case keep the row trigger's own
-- rules (only what changed is checked, and the status flow), as 0006 states them.

GRANT CREATE ON SCHEMA app TO oxkair_definer;

CREATE FUNCTION app.case_insert_rule_broken(
  p_creator_status text, p_creator_institution uuid, p_institution uuid, p_provider uuid,
  p_provider_category text, p_provider_institution uuid, p_provider_status text, p_status text
) RETURNS text
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
GRANT EXECUTE ON FUNCTION app.case_insert_rule_broken(text, uuid, uuid, uuid, text, uuid, text, text)
  TO oxkair_definer;

-- The row trigger: a new case gets its creator's institution when it names none, then the rules
-- above; a change is checked as before (only what changed, and the status flow).
CREATE OR REPLACE FUNCTION app.tg_medical_notes__check_invariants() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
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

-- The bulk-load check: the same rules over the statement's new rows, one query.
CREATE OR REPLACE FUNCTION app.tg_medical_notes__check_invariants_bulk() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
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

REVOKE CREATE ON SCHEMA app FROM oxkair_definer;
