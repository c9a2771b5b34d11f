-- The data migration's bulk load checks the case invariants once per statement instead of once
-- per row. The row trigger (0003) costs ~40 µs per inserted row, whatever its options: 2-5 s of
-- the target's CPU per 100k notes (issue 4 benchmark, docs/migration.md). During the migrator's
-- bulk load (the same condition as the audit triggers' WHEN, 0051: the setting *and* the
-- migrator role), an AFTER STATEMENT trigger checks every inserted row, set-based, against the
-- rules the row trigger applies to an INSERT; the load itself fills a case's institution from
-- its creator's (src/oxkair/migrate/sql/load_medical_notes.sql), which the row trigger would have
-- done. Every other write, and every UPDATE, still goes through the row trigger.
-- tests/test_case_invariants_bulk.py sends the same bad cases through both paths.

-- Handing functions to oxkair_definer needs CREATE on their schema; granted only meanwhile.
GRANT CREATE ON SCHEMA app TO oxkair_definer;

CREATE FUNCTION app.tg_medical_notes__check_invariants_bulk() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  bad_id uuid;
  bad_constraint text;
BEGIN
  -- 0003's INSERT rules, as what must hold once its fill has happened: the case's institution is
  -- its creator's; an assigned provider is a Provider of that institution; a case pending
  -- provider review has one.
  SELECT v.id, v.broken INTO bad_id, bad_constraint
    FROM (SELECT n.id,
                 CASE
                   WHEN n.institution_id IS DISTINCT FROM c.institution_id
                     THEN 'medical_notes_institution_is_creators'
                   WHEN n.provider_user_id IS NOT NULL
                        AND NOT coalesce(p.user_category = 'Provider' AND p.institution_id = n.institution_id, false)
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
ALTER FUNCTION app.tg_medical_notes__check_invariants_bulk() OWNER TO oxkair_definer;

REVOKE CREATE ON SCHEMA app FROM oxkair_definer;

-- The row trigger splits in two (a WHEN clause cannot tell an INSERT from an UPDATE in a trigger
-- that fires on both): UPDATEs are always checked per row; INSERTs per row except in the bulk load.
DROP TRIGGER tg_medical_notes__check_invariants ON public.medical_notes;
CREATE TRIGGER tg_medical_notes__check_invariants
  BEFORE UPDATE ON public.medical_notes
  FOR EACH ROW EXECUTE FUNCTION app.tg_medical_notes__check_invariants();
CREATE TRIGGER tg_medical_notes__check_invariants_on_insert
  BEFORE INSERT ON public.medical_notes
  FOR EACH ROW
  WHEN (pg_catalog.current_setting('oxkair.bulk_load', true) IS DISTINCT FROM 'on'
        OR NOT pg_catalog.pg_has_role(CURRENT_USER, 'oxkair_migrator', 'MEMBER'))
  EXECUTE FUNCTION app.tg_medical_notes__check_invariants();
CREATE TRIGGER tg_medical_notes__check_invariants_bulk
  AFTER INSERT ON public.medical_notes
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT
  WHEN (pg_catalog.current_setting('oxkair.bulk_load', true) = 'on'
        AND pg_catalog.pg_has_role(CURRENT_USER, 'oxkair_migrator', 'MEMBER'))
  EXECUTE FUNCTION app.tg_medical_notes__check_invariants_bulk();
