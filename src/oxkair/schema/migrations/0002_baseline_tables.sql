-- ╔═══════════════════════════════════════════════════════════════════════════════════════════╗
-- ║ The seed's tables (section 2), column for column, and auth.users (section 3) that they    ║
-- ║ reference; their indexes and updated_at triggers. Their policies: 0007; their case rules: ║
-- ║ 0006; their audit triggers: 0003.                                                         ║
-- ╚═══════════════════════════════════════════════════════════════════════════════════════════╝

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ auth.users: replaces Supabase's auth.users (seed section 3)              │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE auth.users (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  email text NOT NULL,
  password_hash text,                       -- argon2id; migrated bcrypt until first login
  email_confirmed_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  last_sign_in_at timestamp with time zone,
  password_changed_at timestamp with time zone,
  disabled_at timestamp with time zone,     -- deactivated (or soft-deleted in Supabase)
  banned_until timestamp with time zone,
  failed_login_count integer NOT NULL DEFAULT 0,
  locked_until timestamp with time zone,    -- lockout after repeated failures
  external_issuer text,                     -- OIDC issuer (Entra External ID / B2C)
  external_subject text,                    -- OIDC subject at that issuer
  app_metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  user_metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  migrated_from text,                       -- 'supabase' for imported users
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_email_format CHECK (email = btrim(email) AND email LIKE '%_@_%' AND length(email) <= 320),
  CONSTRAINT users_failed_login_count_check CHECK (failed_login_count >= 0),
  CONSTRAINT users_external_identity_pair CHECK ((external_issuer IS NULL) = (external_subject IS NULL)),
  CONSTRAINT users_external_identity_key UNIQUE (external_issuer, external_subject)
);

-- Unlike GoTrue, one account per address whatever its letter case.
CREATE UNIQUE INDEX users_email_lower_key ON auth.users (lower(email));

CREATE TRIGGER tg_users__set_updated_at BEFORE UPDATE ON auth.users
  FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ public.institutions                                                      │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE public.institutions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name character varying NOT NULL,
  email_domains text[], -- For suggesting institutions based on email domain
  created_at timestamp with time zone DEFAULT now(),
  updated_at timestamp with time zone DEFAULT now(),
  CONSTRAINT institutions_pkey PRIMARY KEY (id)
);

CREATE INDEX institutions_email_domains_idx ON public.institutions USING gin (email_domains);

CREATE TRIGGER tg_institutions__set_updated_at BEFORE UPDATE ON public.institutions
  FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ public.profiles                                                          │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE public.profiles (
  id uuid NOT NULL, -- Corresponds to the user ID from the authentication service
  first_name text,
  last_name text,
  name text GENERATED ALWAYS AS (
    CASE
        WHEN first_name IS NULL AND last_name IS NULL THEN NULL
        WHEN first_name IS NULL THEN last_name
        WHEN last_name IS NULL THEN first_name
        ELSE (first_name || ' ' || last_name)
    END
  ) STORED,
  created_at timestamp with time zone DEFAULT now(),
  updated_at timestamp with time zone DEFAULT now(),
  user_category text CHECK (user_category = ANY (ARRAY['Provider'::text, 'Medical Coder'::text])),
  npi text,
  recovery_email text,
  phone_number text,
  verification_status text DEFAULT 'not verified'::text,
  institution_id uuid, -- Foreign key to institutions table
  CONSTRAINT profiles_pkey PRIMARY KEY (id),
  CONSTRAINT profiles_id_fkey FOREIGN KEY (id) REFERENCES auth.users(id),
  CONSTRAINT fk_profiles_institution FOREIGN KEY (institution_id) REFERENCES public.institutions(id)
);

-- Coder-provider visibility (seed 2.1) filters on institution and category.
CREATE INDEX profiles_institution_id_user_category_idx ON public.profiles (institution_id, user_category);

CREATE TRIGGER tg_profiles__set_updated_at BEFORE UPDATE ON public.profiles
  FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ public.user_settings                                                     │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE public.user_settings (
  id uuid NOT NULL, -- Corresponds to the user ID from the authentication service
  theme text DEFAULT 'light'::text,
  created_at timestamp with time zone DEFAULT now(),
  updated_at timestamp with time zone DEFAULT now(),
  CONSTRAINT user_settings_pkey PRIMARY KEY (id),
  CONSTRAINT user_settings_id_fkey FOREIGN KEY (id) REFERENCES auth.users(id)
);

CREATE TRIGGER tg_user_settings__set_updated_at BEFORE UPDATE ON public.user_settings
  FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ public.medical_notes (the seed writes `billable_notes ARRAY`: text[])    │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE public.medical_notes (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL, -- Foreign key to auth.users table
  mrn text,
  date_of_service timestamp with time zone,
  insurance_provider text,
  status text DEFAULT 'INCOMPLETE'::text CHECK (status = ANY (ARRAY['INCOMPLETE'::text, 'PENDING_CODER_REVIEW'::text, 'PENDING_PROVIDER_REVIEW'::text, 'PENDING_BILLING'::text])),
  created_at timestamp with time zone DEFAULT now(),
  updated_at timestamp with time zone DEFAULT now(),
  operative_notes text,
  admission_notes text,
  discharge_notes text,
  pathology_notes text,
  progress_notes text,
  bedside_notes text,
  billable_notes text[],
  -- Field for storing the original, unmodified output from the AI model.
  ai_raw_output jsonb,
  -- Field for storing data related to the "panel" UI component. Needs further definition.
  panel_data jsonb,
  -- Field for storing the final, reviewed data after coder and provider approval.
  final_processed_data jsonb,
  -- Field for storing summary data. The type of summary (AI vs. human) needs to be defined.
  summary_data jsonb,
  workflow_status character varying DEFAULT 'processing'::character varying,
  case_number character varying NOT NULL UNIQUE,
  provider_user_id uuid, -- Foreign key to auth.users table for the provider
  institution_id uuid, -- Foreign key to institutions table
  CONSTRAINT medical_notes_pkey PRIMARY KEY (id),
  CONSTRAINT medical_notes_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id),
  CONSTRAINT medical_notes_provider_user_id_fkey FOREIGN KEY (provider_user_id) REFERENCES auth.users(id),
  CONSTRAINT fk_medical_notes_institution FOREIGN KEY (institution_id) REFERENCES public.institutions(id)
);

-- The policies filter on user_id / provider_user_id; worklists add status and newest-first.
CREATE INDEX medical_notes_user_id_status_created_at_idx
  ON public.medical_notes (user_id, status, created_at DESC);

CREATE INDEX medical_notes_provider_user_id_status_created_at_idx
  ON public.medical_notes (provider_user_id, status, created_at DESC);

CREATE INDEX medical_notes_institution_id_idx ON public.medical_notes (institution_id);

CREATE TRIGGER tg_medical_notes__set_updated_at BEFORE UPDATE ON public.medical_notes
  FOR EACH ROW EXECUTE FUNCTION app.tg__set_updated_at();

-- Case text and JSON are compressed with lz4 instead of pglz (PostgreSQL's default).
--
-- A case is ~6 KB of notes plus JSON: every write compresses each wide column and every read
-- decompresses it. lz4 does both several times faster than pglz for a similar ratio on clinical
-- text; measured while loading 100k cases (issue 4), pglz's attempts alone were ~40% of the
-- target's CPU time for a plain COPY. It applies to values written from now on; existing values
-- stay pglz until rewritten (both are read transparently). Needs a server built with lz4
-- (Debian's and Azure's PostgreSQL 14+ are).
ALTER TABLE public.medical_notes
  ALTER COLUMN operative_notes SET COMPRESSION lz4,
  ALTER COLUMN admission_notes SET COMPRESSION lz4,
  ALTER COLUMN discharge_notes SET COMPRESSION lz4,
  ALTER COLUMN pathology_notes SET COMPRESSION lz4,
  ALTER COLUMN progress_notes SET COMPRESSION lz4,
  ALTER COLUMN bedside_notes SET COMPRESSION lz4,
  ALTER COLUMN billable_notes SET COMPRESSION lz4,
  ALTER COLUMN ai_raw_output SET COMPRESSION lz4,
  ALTER COLUMN panel_data SET COMPRESSION lz4,
  ALTER COLUMN final_processed_data SET COMPRESSION lz4,
  ALTER COLUMN summary_data SET COMPRESSION lz4;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Worklist: newest first with keyset pagination on (created_at, id), for   │
-- │ each side of the read policy (creator, assigned provider).               │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE INDEX medical_notes_user_id_created_at_id_idx
  ON public.medical_notes (user_id, created_at DESC NULLS LAST, id DESC);

CREATE INDEX medical_notes_provider_user_id_created_at_id_idx
  ON public.medical_notes (provider_user_id, created_at DESC NULLS LAST, id DESC)
  WHERE provider_user_id IS NOT NULL;