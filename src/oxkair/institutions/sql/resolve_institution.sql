-- NAME_KEY(x) and SPACES_COLLAPSED(x) are written out when loaded: src/oxkair/sql_macros.py.
-- An institution named on the command line: its id, or its name compared trimmed, inner spaces
-- collapsed and without letter case. More than one row means the name is ambiguous.
SELECT i.id, i.name::text
  FROM public.institutions i
 WHERE i.id::text = lower(btrim(%(ref)s))
    OR NAME_KEY(i.name)
       = NAME_KEY(%(ref)s)
 ORDER BY i.name, i.id
 LIMIT 10
