-- Supabase-compatible /rest/v1 (issue 13): what supabase-js reads straight from the tables.
--
-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ institutions: a user reads their own institution's row (id and name),    │
-- │ the one public.my_institution() already tells them; so                   │
-- │ `medical_notes?select=*,institutions(name)` embeds it under RLS.         │
-- │ Never email_domains, never another institution, nothing for anon.        │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE POLICY "Users read their own institution" ON public.institutions
  FOR SELECT TO oxkair_authenticated
  USING (id = (SELECT app.current_institution_id()));
GRANT SELECT (id, name, created_at, updated_at) ON public.institutions TO oxkair_authenticated;
