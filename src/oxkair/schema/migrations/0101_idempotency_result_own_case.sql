-- An Idempotency-Key's result is a case the caller created (a finding left open in the last
-- review): app.record_idempotency_result took any case id, so a caller could point their own key
-- at another user's case. RLS kept that case unreadable on replay, but the key must never name it.
CREATE OR REPLACE FUNCTION app.record_idempotency_result(p_key text, p_resource_id uuid) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
  UPDATE app.idempotency_keys SET resource_id = p_resource_id
   WHERE user_id = (SELECT auth.uid()) AND key = p_key AND resource_id IS NULL
     AND EXISTS (SELECT FROM public.medical_notes n
                  WHERE n.id = p_resource_id AND n.user_id = (SELECT auth.uid()))
$$;
