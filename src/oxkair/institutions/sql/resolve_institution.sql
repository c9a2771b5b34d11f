-- An institution named on the command line: its id, or its name compared trimmed, inner spaces
-- collapsed and without letter case. More than one row means the name is ambiguous.
SELECT i.id, i.name::text
  FROM public.institutions i
 WHERE i.id::text = lower(btrim(%(ref)s))
    OR lower(regexp_replace(btrim(i.name), '\s+', ' ', 'g'))
       = lower(regexp_replace(btrim(%(ref)s), '\s+', ' ', 'g'))
 ORDER BY i.name, i.id
 LIMIT 10
