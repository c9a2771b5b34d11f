-- Institution search that stays fast from 10k to 1M institutions (issue 5 benchmark).
-- Same signature and meaning as 0006's search_institutions; its plan no longer scores every
-- row that shares a trigram with the query.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Two indexes on the search key:                                           │
-- │  - byte-order btree: "starts with" is a range scan, O(log n) + 20 rows;  │
-- │  - GiST trigrams: nearest names by word similarity (typos, later words), │
-- │    read in distance order, so only ~20 rows are visited.                 │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE INDEX institutions_search_key_prefix_idx
  ON public.institutions ((app.search_key(name)) COLLATE "C");
CREATE INDEX institutions_search_key_trgm_gist_idx
  ON public.institutions USING gist (app.search_key(name) extensions.gist_trgm_ops);

-- Best first, at most 20: the exact name, then names starting with the query (alphabetical
-- completions, best-scored first), then the nearest names by word similarity. Case- and
-- accent-insensitive through app.search_key.
CREATE OR REPLACE FUNCTION public.search_institutions(q text, max_results integer DEFAULT 20)
  RETURNS TABLE (id uuid, name text, score real)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = ''
  -- Fuzzy candidates must share at least this much of a word with the query.
  SET pg_trgm.word_similarity_threshold = 0.5
AS $$
DECLARE
  v_key text := app.search_key(btrim(q));
  v_limit integer := least(greatest(coalesce(max_results, 20), 1), 20);
  v_upper text;
  v_ids uuid[];
BEGIN
  IF v_key IS NULL OR length(v_key) < 2 THEN
    RETURN;
  END IF;
  -- Every key starting with v_key sorts (bytewise) in [v_key, v_key || U+10FFFF).
  v_upper := v_key || chr(1114111);

  RETURN QUERY
    SELECT p.id, p.name, p.score FROM (
      SELECT i.id, i.name::text AS name,
             (CASE WHEN app.search_key(i.name) = v_key THEN 3 ELSE 2 END
              + extensions.similarity(app.search_key(i.name), v_key))::real AS score
        FROM public.institutions i
       WHERE (app.search_key(i.name) COLLATE "C") >= (v_key COLLATE "C")
         AND (app.search_key(i.name) COLLATE "C") < (v_upper COLLATE "C")
       ORDER BY (app.search_key(i.name) COLLATE "C"), i.id
       LIMIT v_limit
    ) p
    ORDER BY p.score DESC, p.name, p.id;
  GET DIAGNOSTICS v_limit = ROW_COUNT;
  v_limit := least(greatest(coalesce(max_results, 20), 1), 20) - v_limit;
  IF v_limit <= 0 OR length(v_key) < 3 THEN
    RETURN;
  END IF;

  SELECT array_agg(i.id) INTO v_ids
    FROM public.institutions i
   WHERE (app.search_key(i.name) COLLATE "C") >= (v_key COLLATE "C")
     AND (app.search_key(i.name) COLLATE "C") < (v_upper COLLATE "C");
  RETURN QUERY
    SELECT f.id, f.name, f.score FROM (
      SELECT i.id, i.name::text AS name,
             (CASE WHEN app.search_key(i.name) LIKE '% ' || v_key || '%' THEN 1 ELSE 0 END
              + extensions.word_similarity(v_key, app.search_key(i.name)))::real AS score
        FROM public.institutions i
       WHERE app.search_key(i.name) OPERATOR(extensions.%>) v_key
         AND NOT (i.id = ANY (coalesce(v_ids, '{}')))
       ORDER BY app.search_key(i.name) OPERATOR(extensions.<->>) v_key
       LIMIT v_limit
    ) f
    ORDER BY f.score DESC, f.name, f.id;
END
$$;
ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
