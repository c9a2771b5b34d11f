-- Institution search: the same results for less work per row (issue 5 benchmark: p95 growth
-- 10k -> 1M <= 2x). At 1M nearly every query fills all 20 places, at 10k often a few, so what a
-- search costs per row it returns is what grows with the table. Per row (measured):
--  - the word score read the name's words through app.search_phrase (a SQL function, called
--    per row: ~45 us) and joined them with spaces; replacing each run of non-alphanumerics with
--    one space and trimming is the same string (checked on 200k names), ~3x cheaper;
--  - the prefix score computed app.search_key twice per row; once now.
-- Same signature, steps and order as 0044.

-- Handing functions to oxkair_definer needs CREATE on their schemas; granted only meanwhile.
GRANT CREATE ON SCHEMA app, audit, public TO oxkair_definer;

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
END
$$;
ALTER FUNCTION public.search_institutions(text, integer) OWNER TO oxkair_definer;

REVOKE CREATE ON SCHEMA app, audit, public FROM oxkair_definer;
