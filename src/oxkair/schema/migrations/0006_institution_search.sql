-- Seed 2.1: institution search-as-you-type and email-domain suggestions, callable before login.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Case- and accent-insensitive name key, indexed with trigrams.            │
-- │ unaccent() is only STABLE; naming its dictionary makes it safe to index. │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.search_key(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  SET search_path = ''
AS $$
  SELECT lower(extensions.unaccent('extensions.unaccent'::regdictionary, value))
$$;

CREATE INDEX institutions_name_trgm_idx
  ON public.institutions USING gin (app.search_key(name) extensions.gin_trgm_ops);

-- Best first: exact, then prefix, then word-prefix, then trigram similarity (typos). At most 20.
CREATE FUNCTION public.search_institutions(q text, max_results integer DEFAULT 20)
  RETURNS TABLE (id uuid, name text, score real)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  WITH query AS (
    SELECT app.search_key(btrim(q)) AS key
  )
  SELECT i.id, i.name::text,
         (CASE WHEN app.search_key(i.name) = query.key THEN 3
               WHEN app.search_key(i.name) LIKE query.key || '%' THEN 2
               WHEN app.search_key(i.name) LIKE '% ' || query.key || '%' THEN 1
               ELSE 0 END
          + extensions.similarity(app.search_key(i.name), query.key))::real AS score
    FROM public.institutions i, query
   WHERE length(query.key) >= 2
     AND (app.search_key(i.name) OPERATOR(extensions.%) query.key
          OR app.search_key(i.name) LIKE '%' || query.key || '%')
   ORDER BY score DESC, i.name, i.id
   LIMIT least(greatest(coalesce(max_results, 20), 1), 20)
$$;
ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION public.search_institutions(text, integer) TO oxkair_anon, oxkair_authenticated;

-- john.doe@mayoclinic.org → the institutions listing mayoclinic.org (or a parent domain of it).
CREATE FUNCTION public.suggest_institutions(email text)
  RETURNS TABLE (id uuid, name text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
  WITH domain AS (
    SELECT lower(btrim(split_part(email, '@', 2))) AS d WHERE position('@' IN email) > 0
  ), candidates AS (
    -- mail.mayoclinic.org also suggests mayoclinic.org
    SELECT array_agg(array_to_string((string_to_array(domain.d, '.'))[n:], '.')) AS names
      FROM domain, generate_series(1, greatest(array_length(string_to_array(domain.d, '.'), 1) - 1, 1)) AS n
     WHERE domain.d <> ''
  )
  SELECT i.id, i.name::text
    FROM public.institutions i, candidates
   WHERE i.email_domains && candidates.names
   ORDER BY i.name, i.id
   LIMIT 5
$$;
ALTER FUNCTION public.suggest_institutions(text) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION public.suggest_institutions(text) TO oxkair_anon, oxkair_authenticated;

-- The functions above run as oxkair_definer, which needs the helpers they call.
GRANT EXECUTE ON FUNCTION app.search_key(text) TO oxkair_definer;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA extensions TO oxkair_definer;

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
