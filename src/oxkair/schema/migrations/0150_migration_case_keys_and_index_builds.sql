-- Issue 17: a data migration into an empty public.medical_notes checks the table's three foreign
-- keys once after the load, as pg_restore does, instead of row by row during it: row by row,
-- each case runs three lookups that also lock the user and institution rows it names (FOR KEY
-- SHARE). Measured at 100k cases: the target's CPU 1.6 s lower without them, the run ~9%
-- shorter; added back, each key is checked in one query (~60 ms at 100k). At the end, the
-- indexes 0140 suspends are built side by side (restore_case_index).
--
-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ What holds while they are away: the bulk load's statement check (0006)   │
-- │ refuses any chunk with a case whose creator or provider is not a         │
-- │ verified member of the case's institution, which implies all three      │
-- │ keys. As for 0140's indexes: only the migrator, only on an empty table,  │
-- │ what was dropped is recorded in the same transaction, and the run (or    │
-- │ the rerun after a crash) adds every key back, validated, before the      │
-- │ table counts as migrated. A case a key refuses then fails the run with   │
-- │ PostgreSQL's own message and leaves the record, so status says so.       │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE migration.suspended_foreign_keys (
  constraint_name text PRIMARY KEY,
  definition text NOT NULL,
  suspended_at timestamp with time zone NOT NULL DEFAULT now()
);
ALTER TABLE migration.suspended_foreign_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY "The data migration reads which foreign keys it suspended"
  ON migration.suspended_foreign_keys FOR SELECT TO oxkair_migrator USING (true);
GRANT SELECT ON migration.suspended_foreign_keys TO oxkair_migrator;

-- Drops the foreign keys of an empty public.medical_notes, recorded; 0 when not empty.
CREATE FUNCTION migration.suspend_case_foreign_keys() RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r record;
  n integer := 0;
BEGIN
  LOCK TABLE public.medical_notes IN SHARE ROW EXCLUSIVE MODE;  -- no insert between check and drop
  IF EXISTS (SELECT 1 FROM public.medical_notes) THEN
    RETURN 0;
  END IF;
  -- With search_path = pg_catalog the definitions name every table with its schema.
  FOR r IN
    SELECT c.conname::text AS name, pg_get_constraintdef(c.oid) AS definition
      FROM pg_constraint c
     WHERE c.conrelid = 'public.medical_notes'::regclass AND c.contype = 'f'
     ORDER BY c.conname
  LOOP
    INSERT INTO migration.suspended_foreign_keys (constraint_name, definition)
      VALUES (r.name, r.definition);
    EXECUTE format('ALTER TABLE public.medical_notes DROP CONSTRAINT %I', r.name);
    n := n + 1;
  END LOOP;
  RETURN n;
END
$$;

-- Adds back, validated, what suspend_case_foreign_keys dropped (a key already there is kept).
-- As the tables' owner PostgreSQL validates each key with one anti-join, not row by row.
CREATE FUNCTION migration.restore_case_foreign_keys() RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r record;
  n integer := 0;
BEGIN
  FOR r IN SELECT constraint_name, definition FROM migration.suspended_foreign_keys
            ORDER BY constraint_name LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = 'public.medical_notes'::regclass AND conname = r.constraint_name) THEN
      EXECUTE format('ALTER TABLE public.medical_notes ADD CONSTRAINT %I %s', r.constraint_name,
                     r.definition);
      n := n + 1;
    END IF;
    DELETE FROM migration.suspended_foreign_keys WHERE constraint_name = r.constraint_name;
  END LOOP;
  RETURN n;
END
$$;

-- Builds one index suspend_case_indexes (0140) dropped, so that the run can build them side by
-- side on as many connections as the machine has cores (at 100k cases the six took 0.84 s one
-- after the other, 0.50 s two at a time). The name only picks a recorded definition.
CREATE FUNCTION migration.restore_case_index(p_index_name text) RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_definition text;
BEGIN
  SELECT definition INTO v_definition FROM migration.suspended_indexes
   WHERE index_name = p_index_name FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  IF to_regclass(p_index_name) IS NULL THEN
    EXECUTE v_definition;
  END IF;
  DELETE FROM migration.suspended_indexes WHERE index_name = p_index_name;
  RETURN true;
END
$$;

REVOKE EXECUTE ON FUNCTION migration.suspend_case_foreign_keys(),
  migration.restore_case_foreign_keys(), migration.restore_case_index(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION migration.suspend_case_foreign_keys(),
  migration.restore_case_foreign_keys(), migration.restore_case_index(text) TO oxkair_migrator;
