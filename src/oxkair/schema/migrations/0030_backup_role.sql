-- Backups (HIPAA 164.308(a)(7)): oxkair_backup reads every row so that `oxkair backup` can dump
-- tables whose row-level security is FORCED (a plain dump by their owner would see no rows).
-- No BYPASSRLS anywhere: a policy per table, visible to `oxkair check` and to any reviewer.
-- oxkair_backup is NOLOGIN; roles.sql grants it to the server admin only.

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Read access: every table and sequence the schema has now and later      │
-- └──────────────────────────────────────────────────────────────────────────┘
-- Every schema of the application (those oxkair_owner owns, and public), whoever added it.
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
-- Schemas, tables and sequences created by later migrations (all run as oxkair_owner) too.
ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT USAGE ON SCHEMAS TO oxkair_backup;
ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT SELECT ON TABLES TO oxkair_backup;
ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT SELECT ON SEQUENCES TO oxkair_backup;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ One policy per table with row-level security: the five tables of 0004   │
-- │ and any that migrations before this one added. Tables added later get  │
-- │ theirs from post-apply-backup-access.sql after every upgrade.           │
-- └──────────────────────────────────────────────────────────────────────────┘
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
