-- Issue 17: a data migration into an empty public.medical_notes builds the table's secondary
-- indexes once after the load, as pg_restore does, instead of entry by entry during it (per
-- 5,000-case chunk the six indexes cost ~145 ms of ~550; building all six over 100k cases ~1 s).
--
-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Only the migrator, only on an empty table, only the secondary indexes:   │
-- │ the primary key and the unique constraints (case_number) stay, and so    │
-- │ does every policy, trigger and foreign key. What was dropped is written  │
-- │ down first, in the same transaction, and rebuilt from that record by the │
-- │ same run (or by the rerun after a crash) before the table counts as      │
-- │ migrated. Index DDL needs the table's owner: both are owner functions.   │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE migration.suspended_indexes (
  index_name text PRIMARY KEY,
  definition text NOT NULL,
  suspended_at timestamp with time zone NOT NULL DEFAULT now()
);
ALTER TABLE migration.suspended_indexes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "The data migration reads which indexes it suspended" ON migration.suspended_indexes
  FOR SELECT TO oxkair_migrator USING (true);
GRANT SELECT ON migration.suspended_indexes TO oxkair_migrator;

-- Drops the secondary indexes of an empty public.medical_notes, recorded; 0 when not empty.
CREATE FUNCTION migration.suspend_case_indexes() RETURNS integer
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
  FOR r IN
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
      FROM pg_index i
     WHERE i.indrelid = 'public.medical_notes'::regclass AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
  LOOP
    INSERT INTO migration.suspended_indexes (index_name, definition) VALUES (r.name, r.definition);
    EXECUTE format('DROP INDEX %s', r.name);
    n := n + 1;
  END LOOP;
  RETURN n;
END
$$;

-- Rebuilds what suspend_case_indexes dropped (idempotent: an index already there is kept).
CREATE FUNCTION migration.restore_case_indexes() RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r record;
  n integer := 0;
BEGIN
  FOR r IN SELECT index_name, definition FROM migration.suspended_indexes ORDER BY index_name LOOP
    IF to_regclass(r.index_name) IS NULL THEN
      EXECUTE r.definition;
      n := n + 1;
    END IF;
    DELETE FROM migration.suspended_indexes WHERE index_name = r.index_name;
  END LOOP;
  RETURN n;
END
$$;

REVOKE EXECUTE ON FUNCTION migration.suspend_case_indexes(), migration.restore_case_indexes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION migration.suspend_case_indexes(), migration.restore_case_indexes()
  TO oxkair_migrator;
