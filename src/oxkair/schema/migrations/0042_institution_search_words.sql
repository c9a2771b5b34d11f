-- Institution search by words (issue 5 benchmark): typos are corrected against the small
-- vocabulary of words used in institution names, and names are found by their words through a
-- GIN index, so neither step reads more than a bounded number of names however many there are.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The words of a name: its search key split on anything not alphanumeric.  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.search_words(value text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  SET search_path = ''
AS $$
  SELECT coalesce(array_agg(DISTINCT w ORDER BY w), '{}')
    FROM regexp_split_to_table(app.search_key(value), '[^[:alnum:]]+') AS w
   WHERE w <> ''
$$;
GRANT EXECUTE ON FUNCTION app.search_words(text) TO oxkair_definer;

-- fastupdate off: institutions are rarely written, and a search must never scan a pending list.
CREATE INDEX institutions_search_words_idx ON public.institutions USING gin (app.search_words(name))
  WITH (fastupdate = off);

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Vocabulary: every word of every name (numbers aside), kept by triggers.  │
-- │ Words are never removed: a stale one only proposes a match that fails.  │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE TABLE app.institution_words (
  word text NOT NULL,
  CONSTRAINT institution_words_pkey PRIMARY KEY (word)
);
CREATE INDEX institution_words_prefix_idx ON app.institution_words ((word COLLATE "C"));
CREATE INDEX institution_words_trgm_idx ON app.institution_words USING gin (word extensions.gin_trgm_ops)
  WITH (fastupdate = off);

ALTER TABLE app.institution_words ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Trusted functions read institution words" ON app.institution_words
  FOR SELECT TO oxkair_definer USING (true);
GRANT SELECT ON app.institution_words TO oxkair_definer;

-- Also run by hand after a bulk load with triggers off (SET session_replication_role = replica).
CREATE FUNCTION app.refresh_institution_words() RETURNS void
  LANGUAGE sql VOLATILE
  SET search_path = ''
AS $$
  INSERT INTO app.institution_words (word)
  SELECT DISTINCT w FROM public.institutions i, unnest(app.search_words(i.name)) AS w
   WHERE w !~ '^[0-9]+$'
  ON CONFLICT (word) DO NOTHING
$$;

CREATE FUNCTION app.tg_institutions__collect_words() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.institution_words (word)
  SELECT DISTINCT w FROM new_rows n, unnest(app.search_words(n.name)) AS w
   WHERE w !~ '^[0-9]+$'
  ON CONFLICT (word) DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER tg_institutions__collect_words_insert AFTER INSERT ON public.institutions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION app.tg_institutions__collect_words();
CREATE TRIGGER tg_institutions__collect_words_update AFTER UPDATE ON public.institutions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION app.tg_institutions__collect_words();

DO $$ BEGIN PERFORM app.refresh_institution_words(); END $$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ What a typed word may stand for: itself, a few vocabulary words close    │
-- │ to it (typos), and, for the word being typed, words it begins.           │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.word_candidates(p_word text, p_prefix boolean) RETURNS text[]
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
  SET pg_trgm.similarity_threshold = 0.4
AS $$
  SELECT coalesce(array_agg(DISTINCT c.w), '{}') FROM (
    SELECT p_word AS w
     UNION ALL
    (SELECT v.word FROM app.institution_words v
      WHERE p_prefix
        AND (v.word COLLATE "C") >= (p_word COLLATE "C")
        AND (v.word COLLATE "C") < ((p_word || chr(1114111)) COLLATE "C")
      ORDER BY (v.word COLLATE "C") LIMIT 50)
     UNION ALL
    (SELECT v.word FROM app.institution_words v
      WHERE length(p_word) >= 3 AND p_word !~ '^[0-9]+$'
        AND v.word OPERATOR(extensions.%) p_word
      ORDER BY extensions.similarity(v.word, p_word) DESC, v.word LIMIT 5)
  ) c
$$;
ALTER FUNCTION app.word_candidates(text, boolean) OWNER TO oxkair_definer;

-- Best first, at most 20: the exact name, then names starting with the query (alphabetical
-- completions, best-scored first), then names having each typed word (or a close one; the last
-- word as a prefix), scored by word similarity. Case- and accent-insensitive (app.search_key).
CREATE OR REPLACE FUNCTION public.search_institutions(q text, max_results integer DEFAULT 20)
  RETURNS TABLE (id uuid, name text, score real)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = ''
  -- The planner's guess for "has one of these words" is poor, and a sequential scan would
  -- compute every name's words: the indexes are always the better path here.
  SET enable_seqscan = off
AS $$
DECLARE
  v_key text := app.search_key(btrim(q));
  v_limit integer := least(greatest(coalesce(max_results, 20), 1), 20);
  v_upper text;
  v_got integer;
  v_ids uuid[];
  v_words text[];
  v_candidates text[];
  v_sql text;
BEGIN
  IF v_key IS NULL OR length(v_key) < 2 THEN
    RETURN;
  END IF;
  -- Every key starting with v_key sorts (bytewise) in [v_key, v_key || U+10FFFF).
  v_upper := v_key || chr(1114111);
  SELECT array_agg(p.id) INTO v_ids FROM (
    SELECT i.id FROM public.institutions i
     WHERE (app.search_key(i.name) COLLATE "C") >= (v_key COLLATE "C")
       AND (app.search_key(i.name) COLLATE "C") < (v_upper COLLATE "C")
     ORDER BY (app.search_key(i.name) COLLATE "C"), i.id
     LIMIT v_limit
  ) p;
  v_ids := coalesce(v_ids, '{}');
  RETURN QUERY
    SELECT i.id, i.name::text,
           (CASE WHEN app.search_key(i.name) = v_key THEN 3 ELSE 2 END
            + extensions.similarity(app.search_key(i.name), v_key))::real AS score
      FROM public.institutions i
     WHERE i.id = ANY (v_ids)
     ORDER BY score DESC, i.name, i.id;
  v_got := cardinality(v_ids);
  IF v_got >= v_limit THEN
    RETURN;
  END IF;

  v_words := ARRAY(SELECT t.w FROM regexp_split_to_table(v_key, '[^[:alnum:]]+') WITH ORDINALITY AS t (w, n)
                    WHERE t.w <> '' ORDER BY t.n LIMIT 4);
  IF cardinality(v_words) > 1 AND length(v_words[cardinality(v_words)]) < 2 THEN
    v_words := v_words[1:cardinality(v_words) - 1];  -- a lone letter just typed says too little
  END IF;
  IF cardinality(v_words) = 0 THEN
    RETURN;
  END IF;
  v_sql := 'SELECT i.id, i.name FROM public.institutions i WHERE NOT (i.id = ANY ($2))';
  FOR n IN 1 .. cardinality(v_words) LOOP
    v_candidates := app.word_candidates(v_words[n], n = cardinality(v_words));
    v_sql := v_sql || format(' AND app.search_words(i.name) OPERATOR(pg_catalog.&&) %L::text[]', v_candidates);
  END LOOP;
  -- Common words match many names equally well: a bounded sample is read, its shortest names
  -- (closest to the query) kept, and only those scored.
  RETURN QUERY EXECUTE
    'SELECT b.id, b.name::text, (CASE WHEN app.search_key(b.name) LIKE ''% '' || $1 || ''%'' THEN 1 ELSE 0 END'
    ' + extensions.word_similarity($1, app.search_key(b.name)))::real AS score'
    ' FROM (SELECT s.id, s.name FROM (' || v_sql || ' LIMIT 100) s'
    ' ORDER BY length(s.name), s.name, s.id LIMIT $3) b ORDER BY score DESC, b.name, b.id'
    USING v_key, v_ids, v_limit - v_got;
END
$$;
ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;
GRANT EXECUTE ON FUNCTION app.word_candidates(text, boolean) TO oxkair_definer;

-- 0041's GiST index served the previous fuzzy step only.
DROP INDEX public.institutions_search_key_trgm_gist_idx;

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
