-- Institution search finds abbreviations and a typo in the first word (issue 15): "mass general"
-- → Massachusetts General Hospital, "jons hopkins" → Johns Hopkins Hospital. 0045's steps 1-3 are
-- unchanged and come first, so every query finds what it found before, in the same order; a
-- fourth step fills the places they leave. It runs only for queries of two to four words that
-- have found fewer than 20 and are no institution's whole name, and costs a vocabulary look-up
-- per word but the last and at most 16 range scans of the suffix index (bench/api.py).

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

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

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Best first, at most 20 (same signature and meaning as 0006):             │
-- │  1.-3. as 0045 (whole-name prefix; a word of the name starts the query; │
-- │        the same after correcting typos word by word);                    │
-- │  4. each word but the last may be an abbreviation or a looser typo.     │
-- └──────────────────────────────────────────────────────────────────────────┘
CREATE OR REPLACE FUNCTION public.search_institutions(q text, max_results integer DEFAULT 20)
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

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
