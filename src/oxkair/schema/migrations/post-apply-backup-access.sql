-- Runs after every `oxkair db upgrade` that applied a migration (a yoyo post-apply hook, as
-- oxkair_owner; idempotent): whatever migration added a table, in whatever order the
-- migrations were applied, oxkair_backup can read every row of it, so a backup never misses
-- data (0010_baseline_backup_access.sql explains why a policy, not BYPASSRLS). `oxkair backup create`
-- still refuses to run, and `oxkair check` fails backup.readable, if a table escapes this (one
-- owned by a role oxkair_owner cannot act as).

DO $grants$
DECLARE
  s text;
BEGIN
  FOR s IN
    SELECT n.nspname FROM pg_catalog.pg_namespace n
     WHERE n.nspowner = 'oxkair_owner'::regrole OR n.nspname = 'public'
  LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO oxkair_backup', s);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO oxkair_backup', s);
    EXECUTE format('GRANT SELECT ON ALL SEQUENCES IN SCHEMA %I TO oxkair_backup', s);
  END LOOP;
END
$grants$;

DO $policies$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT n.nspname, c.relname
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relrowsecurity
       AND c.relkind IN ('r', 'p')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND pg_catalog.pg_has_role(c.relowner, 'USAGE')  -- tables this role may alter
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_policies p
                        WHERE p.schemaname = n.nspname AND p.tablename = c.relname
                          AND p.policyname = 'Backups read every row')
  LOOP
    EXECUTE format('CREATE POLICY "Backups read every row" ON %I.%I FOR SELECT TO oxkair_backup USING (true)',
                   t.nspname, t.relname);
  END LOOP;
END
$policies$;
