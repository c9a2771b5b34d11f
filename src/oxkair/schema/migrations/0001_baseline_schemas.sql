-- ╔══════════════════════════════════════════════════════════════════════════════════════╗
-- ║ Schemas, extensions, default privileges, the request-context helpers (auth.uid(),    ║
-- ║ auth.jwt(), auth.role()) and the shared updated_at trigger. The roles themselves are ║
-- ║ cluster-wide: ../roles.sql, run by the server admin before every upgrade.            ║
-- ╚══════════════════════════════════════════════════════════════════════════════════════╝

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Schemas                                                                  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE SCHEMA IF NOT EXISTS extensions;

CREATE SCHEMA IF NOT EXISTS auth;

CREATE SCHEMA IF NOT EXISTS app;

     -- private helpers; not an API surface
CREATE SCHEMA IF NOT EXISTS audit;

REVOKE ALL ON SCHEMA extensions, auth, app, audit FROM PUBLIC;

ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_definer REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Trusted extensions: created by the owner without a superuser (allow-listed on Azure).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA extensions;

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA extensions;

GRANT USAGE ON SCHEMA extensions TO oxkair_definer, oxkair_authenticated, oxkair_anon, oxkair_migrator;

GRANT USAGE ON SCHEMA auth TO oxkair_definer, oxkair_authenticated, oxkair_anon, oxkair_migrator;

GRANT USAGE ON SCHEMA app TO oxkair_definer, oxkair_authenticated, oxkair_anon, oxkair_migrator;

GRANT USAGE ON SCHEMA public TO oxkair_definer, oxkair_authenticated, oxkair_anon, oxkair_migrator,
  oxkair_auditor, oxkair_break_glass;

GRANT USAGE ON SCHEMA audit TO oxkair_definer, oxkair_auditor;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Request context: the API sets request.jwt.claims per transaction         │
-- │ (set_config(..., true)); these read it exactly as Supabase does.         │
-- └──────────────────────────────────────────────────────────────────────────┘
-- No `SET search_path` on these three: a SET clause stops PostgreSQL from inlining a SQL
-- function and costs a GUC save/restore per call, on the hot path of every policy. They are
-- not SECURITY DEFINER and name only pg_catalog objects, qualified, so nothing can shadow them.
CREATE FUNCTION auth.jwt() RETURNS jsonb
  LANGUAGE sql STABLE
AS $$
  SELECT coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''),
                             '{}')::jsonb
$$;

CREATE FUNCTION auth.uid() RETURNS uuid
  LANGUAGE sql STABLE
AS $$
  SELECT nullif(coalesce(
    pg_catalog.current_setting('request.jwt.claim.sub', true),
    (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  ), '')::uuid
$$;

CREATE FUNCTION auth.role() RETURNS text
  LANGUAGE sql STABLE
AS $$
  SELECT nullif(coalesce(
    pg_catalog.current_setting('request.jwt.claim.role', true),
    (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  ), '')::text
$$;

GRANT EXECUTE ON FUNCTION auth.jwt(), auth.uid(), auth.role()
  TO oxkair_definer, oxkair_authenticated, oxkair_anon, oxkair_migrator, oxkair_break_glass;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Shared trigger: updated_at is kept by the database, not by callers.      │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.tg__set_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;