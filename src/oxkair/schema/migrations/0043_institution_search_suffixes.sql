-- Institution search in O(log n): every name is also indexed from each of its words on
-- ("springfield general hospital", "general hospital", "hospital"), so a query for a later
-- word is a range scan like a prefix of the whole name; typos are corrected word by word
-- against the vocabulary of 0042 first. Nothing reads more than ~20 names, whatever the count.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

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

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ Best first, at most 20 (same signature and meaning as 0006):             │
-- │  1. the exact name, then names starting with the query;                  │
-- │  2. names with a word starting the query ("general hosp");               │
-- │  3. the same after correcting typos word by word ("genral hospital").    │
-- │ Each step is one range scan of a byte-order btree, LIMIT 20.             │
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
BEGIN
  IF v_key IS NULL OR length(v_key) < 2 THEN
    RETURN;
  END IF;

  -- 1. Whole-name prefix (every key starting with v_key sorts in [v_key, v_key || U+10FFFF)).
  SELECT coalesce(array_agg(p.id), '{}') INTO v_step FROM (
    SELECT i.id FROM public.institutions i
     WHERE (app.search_key(i.name) COLLATE "C") >= (v_key COLLATE "C")
       AND (app.search_key(i.name) COLLATE "C") < ((v_key || chr(1114111)) COLLATE "C")
     ORDER BY (app.search_key(i.name) COLLATE "C"), i.id
     LIMIT v_limit
  ) p;
  RETURN QUERY
    SELECT i.id, i.name::text,
           (CASE WHEN app.search_key(i.name) = v_key THEN 3 ELSE 2 END
            + extensions.similarity(app.search_key(i.name), v_key))::real AS score
      FROM public.institutions i WHERE i.id = ANY (v_step)
     ORDER BY score DESC, i.name, i.id;
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
              + extensions.word_similarity(v_phrase, array_to_string(app.search_phrase(i.name), ' ')))::real
             AS score
        FROM public.institutions i WHERE i.id = ANY (v_step)
       ORDER BY score DESC, i.name, i.id;
    v_ids := v_ids || v_step;
  END LOOP;
END
$$;
ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;

-- 0042's word index served the previous step only.
DROP INDEX public.institutions_search_words_idx;

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
