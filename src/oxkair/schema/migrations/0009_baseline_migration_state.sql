-- ╔════════════════════════════════════════════════════════════════════════════════════════╗
-- ║ The data migration's state (resumable runs, chunks, quarantine, flags, identities) and ║
-- ║ what oxkair_migrator may do to the target's tables. docs/migration.md.                 ║
-- ╚════════════════════════════════════════════════════════════════════════════════════════╝

-- Handing functions to oxkair_definer needs CREATE on their schema: granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, auth, public TO oxkair_definer;

-- The data migration from Supabase (`oxkair migrate`): its checkpoints, quarantine and run log,
-- and exactly the privileges oxkair_migrator needs to load and read back the target tables.

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Schemas. `migration` holds the state (owned by oxkair_owner);            │
-- │ `migration_stage` is where the migrator creates one short-lived unlogged │
-- │ table per chunk: COPY FROM is refused on tables with row-level security, │
-- │ so rows are COPYed there and moved with INSERT ... SELECT in the same    │
-- │ transaction (the policies below then apply to every migrated row).       │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE SCHEMA IF NOT EXISTS migration;

CREATE SCHEMA IF NOT EXISTS migration_stage;

REVOKE ALL ON SCHEMA migration, migration_stage FROM PUBLIC;

GRANT USAGE ON SCHEMA migration TO oxkair_migrator;

GRANT USAGE, CREATE ON SCHEMA migration_stage TO oxkair_migrator;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Per-table progress: classified (quarantine decided, chunks planned),     │
-- │ then copied chunk by chunk, then done (counts checked, audited once).    │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE migration.table_state (
  table_name text PRIMARY KEY,
  phase text NOT NULL CHECK (phase IN ('classified', 'done')),
  source_rows bigint NOT NULL,
  quarantined bigint NOT NULL DEFAULT 0,
  excluded bigint NOT NULL DEFAULT 0,
  migrated bigint NOT NULL DEFAULT 0,
  content_sha256 text,
  classified_at timestamp with time zone NOT NULL DEFAULT now(),
  done_at timestamp with time zone
);

CREATE TABLE migration.chunks (
  table_name text NOT NULL REFERENCES migration.table_state (table_name),
  chunk_no integer NOT NULL,
  lo uuid,                      -- inclusive; NULL = from the start of the key space
  hi uuid,                      -- exclusive; NULL = to the end of the key space
  done boolean NOT NULL DEFAULT false,
  rows_copied bigint,
  content_sha256 text,          -- sha256 of the chunk's binary COPY stream
  seconds double precision,
  done_at timestamp with time zone,
  PRIMARY KEY (table_name, chunk_no)
);

-- Rows not loaded, with the reason and the source row (PHI: kept here, never in reports).
CREATE TABLE migration.quarantine (
  table_name text NOT NULL,
  source_id text NOT NULL,
  reason text NOT NULL,
  row_data jsonb,
  recorded_at timestamp with time zone NOT NULL DEFAULT now(),
  resolved_at timestamp with time zone,
  resolution text,
  PRIMARY KEY (table_name, source_id)
);

-- Rows loaded with a caveat someone must act on (e.g. a password hash that cannot be kept).
CREATE TABLE migration.flags (
  table_name text NOT NULL,
  source_id text NOT NULL,
  reason text NOT NULL,
  recorded_at timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY (table_name, source_id, reason)
);

-- OAuth/SSO identities of Supabase users, kept so that they can be linked to an issuer later.
CREATE TABLE migration.identities (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  provider text NOT NULL,
  provider_id text NOT NULL,
  email text,
  identity_data jsonb,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  last_sign_in_at timestamp with time zone,
  linked_at timestamp with time zone
);

CREATE INDEX identities_user_id_idx ON migration.identities (user_id);

-- One row per invocation of `oxkair migrate run` (the source is named without credentials).
CREATE TABLE migration.run_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at timestamp with time zone NOT NULL DEFAULT now(),
  finished_at timestamp with time zone,
  source text NOT NULL,
  outcome text,
  detail jsonb
);

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Row-level security on the state too: the quarantine holds PHI.           │
-- └──────────────────────────────────────────────────────────────────────────┘
DO $rls$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['table_state', 'chunks', 'quarantine', 'flags', 'identities', 'run_log'] LOOP
    EXECUTE format('ALTER TABLE migration.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE migration.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY "The data migration keeps its own state" ON migration.%I'
      ' TO oxkair_migrator USING (true) WITH CHECK (true)', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON migration.%I TO oxkair_migrator', t);
  END LOOP;
END
$rls$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The target tables: the migrator inserts and reads back (to verify).      │
-- │ No UPDATE, no DELETE: a migrated row is never rewritten by the tool.     │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE POLICY "The data migration loads users" ON auth.users
  FOR INSERT TO oxkair_migrator WITH CHECK (migrated_from = 'supabase');

CREATE POLICY "The data migration reads users back to verify them" ON auth.users
  FOR SELECT TO oxkair_migrator USING (true);

GRANT SELECT, INSERT ON auth.users TO oxkair_migrator;

-- The trigram index on the institution name evaluates app.search_key() for each inserted row.
GRANT EXECUTE ON FUNCTION app.search_key(text) TO oxkair_migrator;

CREATE POLICY "The data migration loads institutions" ON public.institutions
  FOR INSERT TO oxkair_migrator WITH CHECK (true);

CREATE POLICY "The data migration reads institutions back to verify them" ON public.institutions
  FOR SELECT TO oxkair_migrator USING (true);

GRANT SELECT, INSERT ON public.institutions TO oxkair_migrator;

CREATE POLICY "The data migration loads profiles" ON public.profiles
  FOR INSERT TO oxkair_migrator WITH CHECK (true);

CREATE POLICY "The data migration reads profiles back to verify them" ON public.profiles
  FOR SELECT TO oxkair_migrator USING (true);

GRANT SELECT, INSERT ON public.profiles TO oxkair_migrator;

CREATE POLICY "The data migration loads user settings" ON public.user_settings
  FOR INSERT TO oxkair_migrator WITH CHECK (true);

CREATE POLICY "The data migration reads user settings back to verify them" ON public.user_settings
  FOR SELECT TO oxkair_migrator USING (true);

GRANT SELECT, INSERT ON public.user_settings TO oxkair_migrator;

CREATE POLICY "The data migration loads cases" ON public.medical_notes
  FOR INSERT TO oxkair_migrator WITH CHECK (true);

CREATE POLICY "The data migration reads cases back to verify them" ON public.medical_notes
  FOR SELECT TO oxkair_migrator USING (true);

GRANT SELECT, INSERT ON public.medical_notes TO oxkair_migrator;

-- The data migration loads institutions as oxkair_migrator: the statement triggers that keep
-- the search vocabulary and name suffixes (0008) run as the inserting role, so the migrator
-- needs exactly what they do.

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The helpers the triggers call                                            │
-- └──────────────────────────────────────────────────────────────────────────┘
GRANT EXECUTE ON FUNCTION app.search_words(text), app.search_phrase(text), app.name_suffixes(text)
  TO oxkair_migrator;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ What they write: new words and suffixes of the loaded names, nothing else│
-- └──────────────────────────────────────────────────────────────────────────┘
-- ON CONFLICT (…) DO NOTHING needs SELECT on the arbiter columns, and an INSERT that needs
-- SELECT must also pass the SELECT policies: both are opened to the migrator (names of
-- institutions only, no user data).
CREATE POLICY "The data migration adds the words of the institutions it loads" ON app.institution_words
  FOR INSERT TO oxkair_migrator WITH CHECK (true);

CREATE POLICY "The data migration sees the words it adds" ON app.institution_words
  FOR SELECT TO oxkair_migrator USING (true);

GRANT INSERT, SELECT (word) ON app.institution_words TO oxkair_migrator;

CREATE POLICY "The data migration adds the suffixes of the institutions it loads"
  ON app.institution_suffixes
  FOR INSERT TO oxkair_migrator WITH CHECK (true);

CREATE POLICY "The data migration sees the suffixes it adds" ON app.institution_suffixes
  FOR SELECT TO oxkair_migrator USING (true);

GRANT INSERT, SELECT (suffix, institution_id) ON app.institution_suffixes TO oxkair_migrator;

REVOKE CREATE ON SCHEMA app, audit, auth, public FROM oxkair_definer;