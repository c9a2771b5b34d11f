-- ╔══════════════════════════════════════════════════════════════════════════╗
-- ║ Roles of the access model (DESIGN.md). Run by the server's admin before  ║
-- ║ the versioned migrations: roles are cluster-wide, so this file is        ║
-- ║ idempotent and re-run on every `oxkair db upgrade`. Needs CREATEROLE and ║
-- ║ ownership of the database, as Azure's admin has; never a superuser.      ║
-- ╚══════════════════════════════════════════════════════════════════════════╝

DO $roles$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY[
    'oxkair_owner',          -- owns every object, runs the schema migrations
    'oxkair_definer',        -- owns the SECURITY DEFINER functions; reads only what they need
    'oxkair_authenticated',  -- an end user with a verified token; RLS decides every row
    'oxkair_anon',           -- before login: institution search and the auth functions only
    'oxkair_auditor',        -- reads the audit trail, nothing else
    'oxkair_migrator',       -- loads data from Supabase (the data migration)
    'oxkair_break_glass',    -- emergency access (HIPAA 164.312(a)(2)(ii)); disabled, audited
    'oxkair_pgaudit',        -- pgaudit.role: object auditing of writes on PHI tables
    'oxkair_backup'          -- reads every row for `oxkair backup` (policies in 0030), nothing else
  ] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;

  -- The API logs in as (a member of) oxkair_api. NOINHERIT: it holds no privilege of its own
  -- and must SET ROLE to oxkair_anon / oxkair_authenticated for every request.
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'oxkair_api') THEN
    CREATE ROLE oxkair_api NOLOGIN NOINHERIT;
  END IF;
END
$roles$;

GRANT oxkair_anon, oxkair_authenticated TO oxkair_api;
-- The owner hands function ownership to the definer role (ALTER ... OWNER needs membership).
GRANT oxkair_definer TO oxkair_owner;

DO $admin$
BEGIN
  -- The admin running this file must be able to SET ROLE oxkair_owner for the migrations.
  IF NOT pg_catalog.pg_has_role(current_user, 'oxkair_owner', 'MEMBER') THEN
    EXECUTE format('GRANT oxkair_owner TO %I', current_user);
  END IF;
  -- ... and SET ROLE oxkair_auditor for `oxkair audit verify / export`.
  IF NOT pg_catalog.pg_has_role(current_user, 'oxkair_auditor', 'MEMBER') THEN
    EXECUTE format('GRANT oxkair_auditor TO %I', current_user);
  END IF;
  -- ... and SET ROLE oxkair_backup for `oxkair backup create / verify` (pg_dump --role).
  IF NOT pg_catalog.pg_has_role(current_user, 'oxkair_backup', 'MEMBER') THEN
    EXECUTE format('GRANT oxkair_backup TO %I', current_user);
  END IF;
  -- Nothing for PUBLIC: connecting and temp tables are granted role by role.
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format(
    'GRANT CONNECT ON DATABASE %I TO oxkair_owner, oxkair_api, oxkair_auditor, oxkair_migrator, oxkair_break_glass',
    current_database());
  -- Trusted extensions (pg_trgm, unaccent) are created by the owner: it needs CREATE here.
  EXECUTE format('GRANT CREATE ON DATABASE %I TO oxkair_owner', current_database());
END
$admin$;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
DO $public$
BEGIN
  -- WITH GRANT OPTION: the owner lends CREATE to oxkair_definer while handing it functions.
  IF NOT pg_catalog.has_schema_privilege('oxkair_owner', 'public', 'CREATE WITH GRANT OPTION') THEN
    GRANT ALL ON SCHEMA public TO oxkair_owner WITH GRANT OPTION;
  END IF;
END
$public$;

CREATE SCHEMA IF NOT EXISTS oxkair_meta AUTHORIZATION oxkair_owner;
