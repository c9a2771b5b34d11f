-- ╔═══════════════════════════════════════════════════════════════════════════════════════╗
-- ║ The case rules every writer meets (the API, the pages, the data migration): who may   ║
-- ║ create a case and move it where, case numbers, idempotent creation, a case's history. ║
-- ║ docs/api.md.                                                                          ║
-- ╚═══════════════════════════════════════════════════════════════════════════════════════╝

-- Handing functions to oxkair_definer needs CREATE on their schema: granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, auth, public TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Case invariants (the row trigger; the bulk-load check below): the        │
-- │ creator is a verified member, the provider a verified Provider of the    │
-- │ case's institution, whoever writes.                                      │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.tg_medical_notes__check_invariants() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  creator_institution uuid;
  creator_status text;
  old_status text;
BEGIN
  SELECT p.institution_id, p.verification_status INTO creator_institution, creator_status
    FROM public.profiles p WHERE p.id = NEW.user_id;

  IF TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id
     OR NEW.institution_id IS DISTINCT FROM OLD.institution_id THEN
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
       TG_OP = 'INSERT'
       OR NEW.provider_user_id IS DISTINCT FROM OLD.provider_user_id
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

  IF TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status THEN
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

ALTER FUNCTION app.tg_medical_notes__check_invariants() OWNER TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Case numbers: CASE-<year>-<7 digits>, unique (the column's UNIQUE is the │
-- │ guarantee; the sequence only makes collisions with generated ones        │
-- │ impossible). SECURITY DEFINER: the API roles get no sequence privilege.  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE SEQUENCE app.case_number_seq AS bigint MINVALUE 1 NO CYCLE;

GRANT USAGE ON SEQUENCE app.case_number_seq TO oxkair_definer;

CREATE FUNCTION public.next_case_number() RETURNS text
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT 'CASE-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-'
         || lpad(nextval('app.case_number_seq')::text, 7, '0')
$$;

ALTER FUNCTION public.next_case_number() OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION public.next_case_number() TO oxkair_authenticated;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The caller's own institution (id, name) for their profile page; the      │
-- │ institutions table stays readable by trusted functions only.             │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION public.my_institution() RETURNS TABLE (id uuid, name text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT i.id, i.name::text FROM public.institutions i
   WHERE i.id = (SELECT app.current_institution_id())
$$;

ALTER FUNCTION public.my_institution() OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION public.my_institution() TO oxkair_authenticated;

CREATE FUNCTION app.tg_medical_notes__check_invariants_bulk() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  bad_id uuid;
  bad_constraint text;
BEGIN
  -- The row trigger's INSERT rules, as what must hold once its fill has happened.
  SELECT v.id, v.broken INTO bad_id, bad_constraint
    FROM (SELECT n.id,
                 CASE
                   WHEN c.verification_status IS DISTINCT FROM 'verified'
                     THEN 'medical_notes_creator_verified'
                   WHEN n.institution_id IS DISTINCT FROM c.institution_id
                     THEN 'medical_notes_institution_is_creators'
                   WHEN n.provider_user_id IS NOT NULL
                        AND NOT coalesce(p.user_category = 'Provider' AND p.institution_id = n.institution_id
                                         AND p.verification_status = 'verified', false)
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

CREATE TABLE app.idempotency_keys (
  user_id uuid NOT NULL REFERENCES auth.users(id),
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  endpoint text NOT NULL,
  request_sha256 bytea NOT NULL,   -- the request body's hash: a key reused for another body is refused
  resource_id uuid,                -- what the first request created (set before its commit)
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_created_at_idx ON app.idempotency_keys (created_at);

ALTER TABLE app.idempotency_keys ENABLE ROW LEVEL SECURITY;

ALTER TABLE app.idempotency_keys FORCE ROW LEVEL SECURITY;

-- Nobody reads or writes keys directly: the two functions below act for auth.uid() only.
CREATE POLICY "Trusted functions manage idempotency keys" ON app.idempotency_keys
  TO oxkair_definer USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, UPDATE, DELETE ON app.idempotency_keys TO oxkair_definer;

-- Claims the caller's key for this request: NULL when it is new (go on and create), else the id
-- of what the first request with this key created. A concurrent twin waits on the first one's
-- row lock, then sees its outcome. Another request body under the same key: OX422.
CREATE FUNCTION app.claim_idempotency_key(p_key text, p_endpoint text, p_request_sha256 bytea)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_user uuid := auth.uid();
  k app.idempotency_keys%ROWTYPE;
BEGIN
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'an idempotency key needs a signed-in user' USING ERRCODE = 'OX401';
  END IF;
  INSERT INTO app.idempotency_keys (user_id, key, endpoint, request_sha256)
  VALUES (v_user, p_key, p_endpoint, p_request_sha256)
  ON CONFLICT (user_id, key) DO NOTHING;
  IF FOUND THEN
    RETURN NULL;
  END IF;
  SELECT * INTO k FROM app.idempotency_keys WHERE user_id = v_user AND key = p_key;
  IF k.endpoint <> p_endpoint OR k.request_sha256 <> p_request_sha256 THEN
    RAISE EXCEPTION 'this Idempotency-Key was already used for a different request'
      USING ERRCODE = 'OX422';
  END IF;
  RETURN k.resource_id;
END
$$;

ALTER FUNCTION app.claim_idempotency_key(text, text, bytea) OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION app.claim_idempotency_key(text, text, bytea) TO oxkair_authenticated;

-- What the request that claimed the key created (same transaction).
CREATE FUNCTION app.record_idempotency_result(p_key text, p_resource_id uuid) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  UPDATE app.idempotency_keys SET resource_id = p_resource_id
   WHERE user_id = (SELECT auth.uid()) AND key = p_key AND resource_id IS NULL
$$;

ALTER FUNCTION app.record_idempotency_result(text, uuid) OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION app.record_idempotency_result(text, uuid) TO oxkair_authenticated;

-- Of medical_notes the definer already reads every row ("Trusted functions read cases", 0007);
-- the function below applies the caller's read rule itself. Of the audit trail: the columns an
-- entry's summary needs.
GRANT SELECT (at, lane, seq, action, table_name, row_id, actor_user_id, old_values, new_values)
  ON audit.log TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ public.case_history(case): newest first, at most 200 entries. Created,   │
-- │ edited (the names of the fields, never their values), moved (status     │
-- │ from and to, and the provider's name when sent to one). Reads (the       │
-- │ access log) are the privacy officer's report, not the case's story.    │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION public.case_history(p_case_id uuid)
  RETURNS TABLE (at timestamptz, action text, actor_name text, fields text[], status_from text,
                 status_to text, provider_name text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  SELECT l.at,
         CASE WHEN l.action = 'INSERT' THEN 'created'
              WHEN l.new_values ? 'status' THEN 'moved'
              ELSE 'edited' END,
         actor.name,
         CASE WHEN l.action = 'UPDATE' THEN
           ARRAY(SELECT k FROM pg_catalog.jsonb_object_keys(l.new_values) AS k
                  WHERE k NOT IN ('updated_at', 'status', 'provider_user_id') ORDER BY k)
         ELSE '{}'::text[] END,
         CASE WHEN l.action = 'UPDATE' THEN l.old_values ->> 'status' END,
         l.new_values ->> 'status',
         provider.name
    FROM audit.log l
    LEFT JOIN public.profiles actor ON actor.id = l.actor_user_id
    LEFT JOIN public.profiles provider
      ON l.action = 'UPDATE' AND provider.id = (l.new_values ->> 'provider_user_id')::uuid
   WHERE l.table_name = 'public.medical_notes' AND l.row_id = p_case_id::text
     AND l.action IN ('INSERT', 'UPDATE')
     -- The caller's read rule, as "Verified members read the cases they created or are
     -- assigned" and app.log_case_reads state it: no history of another's case.
     AND EXISTS (SELECT FROM public.medical_notes m
                  WHERE m.id = p_case_id
                    AND (m.user_id = (SELECT auth.uid()) OR m.provider_user_id = (SELECT auth.uid()))
                    AND m.institution_id = (SELECT app.current_member_institution()))
   ORDER BY l.at DESC, l.seq DESC
   LIMIT 200
$$;

ALTER FUNCTION public.case_history(uuid) OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION public.case_history(uuid) TO oxkair_authenticated;

REVOKE CREATE ON SCHEMA app, audit, auth, public FROM oxkair_definer;