-- The case page's history (issue 15): who did what to a case, and when, from the audit trail,
-- for a case the caller can read, and for no other.

-- Handing functions to oxkair_definer needs CREATE on the schema; granted only meanwhile.
GRANT CREATE ON SCHEMA public TO oxkair_definer;

-- Of medical_notes the definer already reads every row ("Trusted functions read cases", 0054);
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

REVOKE CREATE ON SCHEMA public FROM oxkair_definer;
