-- ╔═════════════════════════════════════════════════════════════════════════════════════════╗
-- ║ Institution search-as-you-type and email-domain suggestions (seed section 4): a name    ║
-- ║ key, a word vocabulary with trigrams, name suffixes, and the search in four steps, each ║
-- ║ cheaper than the next. docs/api.md ("Institution search").                              ║
-- ╚═════════════════════════════════════════════════════════════════════════════════════════╝

-- Handing functions to oxkair_definer needs CREATE on their schema: granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, auth, public TO oxkair_definer;

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

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Best first, at most 20:                                                  │
-- │  1.-3. whole-name prefix; a word of the name starts the query;          │
-- │        the same after correcting typos word by word);                    │
-- │  4. each word but the last may be an abbreviation or a looser typo.     │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION public.search_institutions(q text, max_results integer DEFAULT 20)
  RETURNS TABLE (id uuid, name text, score real)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  v_key text := app.search_key(btrim(q));
  v_limit integer := least(greatest(coalesce(max_results, 20), 1), 20);
  v_ids uuid[] := '{}';
  v_words text[];
  v_phrase text;
  v_fixed text;
  v_step uuid[];
  v_n integer;
  v_phrases text[];
  v_variants text[];
  v_exact boolean;
BEGIN
  IF v_key IS NULL OR length(v_key) < 2 THEN
    RETURN;
  END IF;

  -- 1. Whole-name prefix (every key starting with v_key sorts in [v_key, v_key || U+10FFFF)).
  SELECT coalesce(array_agg(p.id), '{}') INTO v_step FROM (
    SELECT i.id FROM public.institutions i
     WHERE (app.search_key(i.name) COLLATE "C") >= (v_key COLLATE "C")
       AND (app.search_key(i.name) COLLATE "C") < ((v_key || chr(1114111)) COLLATE "C")
     ORDER BY (app.search_key(i.name) COLLATE "C")
     LIMIT v_limit
  ) p;
  RETURN QUERY
    SELECT i.id, i.name::text,
           (CASE WHEN k.key = v_key THEN 3 ELSE 2 END + extensions.similarity(k.key, v_key))::real AS score
      FROM public.institutions i
           CROSS JOIN LATERAL (SELECT app.search_key(i.name) AS key OFFSET 0) k  -- computed once
     WHERE i.id = ANY (v_step)
     ORDER BY score DESC, i.name, i.id;
  -- Whether the query is a whole name (then step 4 is not needed). Each hit by its primary key:
  -- an equality on the key would tempt the planner into the trigram index (every name sharing
  -- a trigram with it).
  v_exact := EXISTS (SELECT FROM unnest(v_step) AS x (id)
                       CROSS JOIN LATERAL (SELECT app.search_key(i.name) AS key FROM public.institutions i
                                            WHERE i.id = x.id OFFSET 0) k
                      WHERE k.key = v_key);
  v_ids := v_ids || v_step;

  v_words := app.search_phrase(q);
  IF cardinality(v_words) = 0 THEN
    RETURN;
  END IF;
  v_phrase := array_to_string(v_words, ' ');
  v_fixed := (SELECT string_agg(app.correct_word(t.w, t.n = cardinality(v_words)), ' ' ORDER BY t.n)
                FROM unnest(v_words) WITH ORDINALITY AS t (w, n));

  -- 2. Then 3.: a word of the name starts the (corrected) query.
  FOR v_n IN 1 .. 2 LOOP
    v_key := CASE v_n WHEN 1 THEN v_phrase ELSE v_fixed END;
    IF cardinality(v_ids) >= v_limit OR (v_n = 2 AND v_fixed = v_phrase) THEN
      EXIT;
    END IF;
    SELECT coalesce(array_agg(p.institution_id), '{}') INTO v_step FROM (
      SELECT DISTINCT ON (s.suffix, s.institution_id) s.suffix, s.institution_id
        FROM app.institution_suffixes s
       WHERE s.suffix >= v_key AND s.suffix < v_key || chr(1114111)
         AND NOT (s.institution_id = ANY (v_ids))
       ORDER BY s.suffix, s.institution_id
       LIMIT (v_limit - cardinality(v_ids)) * 2
    ) p;
    v_step := ARRAY(SELECT DISTINCT x FROM unnest(v_step) AS x LIMIT v_limit - cardinality(v_ids));
    RETURN QUERY
      SELECT i.id, i.name::text,
             ((CASE v_n WHEN 1 THEN 1 ELSE 0 END)
              + extensions.word_similarity(v_phrase, btrim(regexp_replace(app.search_key(i.name),
                                                                          '[^[:alnum:]]+', ' ', 'g'))))::real
             AS score
        FROM public.institutions i WHERE i.id = ANY (v_step)
       ORDER BY score DESC, i.name, i.id;
    v_ids := v_ids || v_step;
  END LOOP;
  -- 4. Abbreviations and typos in any word but the last ("mass general", "jons hopkins"): each
  --    such word stands for itself, the vocabulary words it begins and the ones close to it;
  --    the last word stays a prefix. At most 16 phrases, each one range scan as in 2.
  --    What people abbreviate is short: queries of 2 to 4 words, none of them a whole name.
  IF cardinality(v_ids) >= v_limit OR cardinality(v_words) NOT BETWEEN 2 AND 4 OR v_exact THEN
    RETURN;
  END IF;
  v_phrases := ARRAY[''];
  FOR v_n IN 1 .. cardinality(v_words) - 1 LOOP
    v_variants := app.word_variants(v_words[v_n]);
    v_phrases := ARRAY(
      SELECT ltrim(p.phrase || ' ' || c.word)
        FROM unnest(v_phrases) WITH ORDINALITY AS p (phrase, rank),
             unnest(v_variants) WITH ORDINALITY AS c (word, rank)
       ORDER BY p.rank + c.rank, p.rank
       LIMIT 16);
  END LOOP;
  v_key := split_part(v_fixed, ' ', cardinality(v_words));  -- the last word, typos corrected
  SELECT coalesce(array_agg(h.institution_id ORDER BY h.rank, h.institution_id), '{}') INTO v_step FROM (
    SELECT DISTINCT ON (s.institution_id) s.institution_id, p.rank
      FROM (SELECT t.phrase || ' ' || v_key AS phrase, t.rank
              FROM unnest(v_phrases) WITH ORDINALITY AS t (phrase, rank)) p
      CROSS JOIN LATERAL (
        SELECT x.institution_id FROM app.institution_suffixes x
         WHERE x.suffix >= p.phrase AND x.suffix < p.phrase || chr(1114111)
           AND NOT (x.institution_id = ANY (v_ids))
         ORDER BY x.suffix
         LIMIT v_limit - cardinality(v_ids)
      ) s
     WHERE p.phrase <> v_phrase AND p.phrase <> v_fixed  -- steps 2 and 3 scanned those
     ORDER BY s.institution_id, p.rank
  ) h;
  v_step := v_step[1:v_limit - cardinality(v_ids)];
  RETURN QUERY
    SELECT i.id, i.name::text,
           extensions.word_similarity(v_phrase, btrim(regexp_replace(app.search_key(i.name),
                                                                     '[^[:alnum:]]+', ' ', 'g')))::real AS score
      FROM public.institutions i WHERE i.id = ANY (v_step)
     ORDER BY score DESC, i.name, i.id;
END
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

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Two indexes on the search key:                                           │
-- │  - byte-order btree: "starts with" is a range scan, O(log n) + 20 rows;  │
-- │  - GiST trigrams: nearest names by word similarity (typos, later words), │
-- │    read in distance order, so only ~20 rows are visited.                 │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE INDEX institutions_search_key_prefix_idx
  ON public.institutions ((app.search_key(name)) COLLATE "C");

ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;

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

ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION app.word_candidates(text, boolean) TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ A name's words in order, joined by one space (what queries are made of). │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE FUNCTION app.search_phrase(value text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  SET search_path = ''
AS $$
  SELECT coalesce(array_agg(t.w ORDER BY t.n), '{}')
    FROM regexp_split_to_table(app.search_key(value), '[^[:alnum:]]+') WITH ORDINALITY AS t (w, n)
   WHERE t.w <> ''
$$;

CREATE FUNCTION app.name_suffixes(value text) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  SET search_path = ''
AS $$
  SELECT array_to_string(p.words[n:], ' ')
    FROM (SELECT app.search_phrase(value) AS words) p,
         generate_series(1, cardinality(p.words)) AS n
$$;

GRANT EXECUTE ON FUNCTION app.search_phrase(text), app.name_suffixes(text) TO oxkair_definer;

CREATE TABLE app.institution_suffixes (
  suffix text COLLATE "C" NOT NULL,
  institution_id uuid NOT NULL,
  CONSTRAINT institution_suffixes_pkey PRIMARY KEY (suffix, institution_id),
  CONSTRAINT institution_suffixes_institution_id_fkey FOREIGN KEY (institution_id)
    REFERENCES public.institutions (id) ON DELETE CASCADE
);

CREATE INDEX institution_suffixes_institution_id_idx ON app.institution_suffixes (institution_id);

ALTER TABLE app.institution_suffixes ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Trusted functions read institution suffixes" ON app.institution_suffixes
  FOR SELECT TO oxkair_definer USING (true);

GRANT SELECT ON app.institution_suffixes TO oxkair_definer;

-- Also run by hand after a bulk load with triggers off (SET session_replication_role = replica).
CREATE FUNCTION app.refresh_institution_suffixes() RETURNS void
  LANGUAGE sql VOLATILE
  SET search_path = ''
AS $$
  INSERT INTO app.institution_suffixes (suffix, institution_id)
  SELECT DISTINCT s, i.id FROM public.institutions i, app.name_suffixes(i.name) AS s
  ON CONFLICT DO NOTHING
$$;

CREATE FUNCTION app.tg_institutions__index_suffixes() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM app.institution_suffixes s USING new_rows n WHERE s.institution_id = n.id;
  END IF;
  INSERT INTO app.institution_suffixes (suffix, institution_id)
  SELECT DISTINCT x, n.id FROM new_rows n, app.name_suffixes(n.name) AS x
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER tg_institutions__index_suffixes_insert AFTER INSERT ON public.institutions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION app.tg_institutions__index_suffixes();

CREATE TRIGGER tg_institutions__index_suffixes_update AFTER UPDATE ON public.institutions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION app.tg_institutions__index_suffixes();

DO $$ BEGIN PERFORM app.refresh_institution_suffixes(); END $$;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Typo correction: each word → itself when the vocabulary has it (or, for  │
-- │ the word being typed, begins one), else the closest vocabulary word.     │
-- └──────────────────────────────────────────────────────────────────────────┘
-- pg_trgm's settings are known (so a function may SET them) once its library is loaded.
DO $$ BEGIN PERFORM extensions.similarity('a', 'b'); END $$;

CREATE FUNCTION app.correct_word(p_word text, p_prefix boolean) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
  SET pg_trgm.similarity_threshold = 0.4
AS $$
  SELECT coalesce(
    (SELECT p_word WHERE p_word ~ '^[0-9]+$' OR length(p_word) < 3
        OR EXISTS (SELECT FROM app.institution_words v WHERE v.word = p_word)
        OR (p_prefix AND EXISTS (
              SELECT FROM app.institution_words v
               WHERE (v.word COLLATE "C") >= (p_word COLLATE "C")
                 AND (v.word COLLATE "C") < ((p_word || chr(1114111)) COLLATE "C")))),
    (SELECT v.word FROM app.institution_words v
      WHERE v.word OPERATOR(extensions.%) p_word
      ORDER BY extensions.similarity(v.word, p_word) DESC, v.word LIMIT 1),
    p_word)
$$;

ALTER FUNCTION app.correct_word(text, boolean) OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION app.correct_word(text, boolean) TO oxkair_definer;

ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;

ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;

ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ What a typed word may stand for, best first: itself (if a word of some  │
-- │ name) and up to 6 vocabulary words it begins ("mass" → "massachusetts");│
-- │ if none, a word it is with two letters swapped back ("jhons"), else up  │
-- │ to 3 close to it ("jons" → "johns": a looser threshold than             │
-- │ correct_word's, as these are only tried when the stricter steps fall    │
-- │ short).                                                                  │
-- └──────────────────────────────────────────────────────────────────────────┘
-- pg_trgm's settings are known (so a function may SET them) once its library is loaded.
DO $$ BEGIN PERFORM extensions.similarity('a', 'b'); END $$;

CREATE FUNCTION app.word_variants(p_word text) RETURNS text[]
  -- plpgsql, not sql: its statements' plans are kept for the session (a SQL function with a
  -- SET clause is planned again on every call).
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = ''
  SET pg_trgm.similarity_threshold = 0.3
AS $$
DECLARE
  v_found text[];
BEGIN
  IF p_word ~ '^[0-9]+$' THEN
    RETURN ARRAY[p_word];  -- numbers are no vocabulary words
  END IF;
  -- Itself, then the words it begins.
  v_found := ARRAY(SELECT w.word FROM app.institution_words w WHERE w.word = p_word);
  IF length(p_word) >= 2 THEN
    v_found := v_found || ARRAY(
      SELECT w.word FROM app.institution_words w
       WHERE (w.word COLLATE "C") > (p_word COLLATE "C")
         AND (w.word COLLATE "C") < ((p_word || chr(1114111)) COLLATE "C")
       ORDER BY (w.word COLLATE "C") LIMIT 6);
  END IF;
  IF cardinality(v_found) > 0 OR length(p_word) < 3 THEN
    RETURN v_found;
  END IF;
  -- A typo: two letters swapped ("jhons", which trigrams see as far apart in a short word),
  -- else the words closest to it.
  v_found := ARRAY(
    SELECT w.word FROM app.institution_words w
     WHERE w.word = ANY (ARRAY(
       SELECT substr(p_word, 1, i - 1) || substr(p_word, i + 1, 1) || substr(p_word, i, 1)
              || substr(p_word, i + 2)
         FROM generate_series(1, length(p_word) - 1) AS i))
     ORDER BY w.word);
  IF cardinality(v_found) > 0 THEN
    RETURN v_found;
  END IF;
  RETURN ARRAY(
    SELECT w.word FROM app.institution_words w
     WHERE w.word OPERATOR(extensions.%) p_word
     ORDER BY extensions.similarity(w.word, p_word) DESC, w.word LIMIT 3);
END
$$;

ALTER FUNCTION app.word_variants(text) OWNER TO oxkair_definer;

GRANT EXECUTE ON FUNCTION app.word_variants(text) TO oxkair_definer;

ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;

REVOKE CREATE ON SCHEMA app, audit, auth, public FROM oxkair_definer;