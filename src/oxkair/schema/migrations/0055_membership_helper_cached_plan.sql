-- app.current_member_institution() (0053) as plpgsql, not SECURITY DEFINER. Every end-user
-- policy of medical_notes calls it once per query; as a SQL SECURITY DEFINER function its body
-- was parsed and planned again on every query (a SQL function's plan lives for one call of the
-- outer query), which took the worklist under RLS from ~1.1x to ~1.5x the same query with the
-- equivalent WHERE (bench/rls_overhead.py --quick). plpgsql keeps the plan for the session.
-- It needs no definer rights: the caller's own profile row is theirs to read ("Users read their
-- own profile"), and the definer's functions that call it read every profile anyway.

CREATE OR REPLACE FUNCTION app.current_member_institution() RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY INVOKER
  SET search_path = ''
AS $$
BEGIN
  RETURN (SELECT p.institution_id FROM public.profiles p
           WHERE p.id = auth.uid() AND p.verification_status = 'verified');
END
$$;
