-- The case-management API (issue 5): case numbers, worklist keyset indexes.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

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

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Worklist: newest first with keyset pagination on (created_at, id), for   │
-- │ each side of the read policy (creator, assigned provider).               │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE INDEX medical_notes_user_id_created_at_id_idx
  ON public.medical_notes (user_id, created_at DESC NULLS LAST, id DESC);
CREATE INDEX medical_notes_provider_user_id_created_at_id_idx
  ON public.medical_notes (provider_user_id, created_at DESC NULLS LAST, id DESC)
  WHERE provider_user_id IS NOT NULL;

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
