-- NAME_KEY(x) and SPACES_COLLAPSED(x) are written out when loaded: src/oxkair/sql_macros.py.
-- public.profiles rows to quarantine or flag; %(bad_users)s are the ids of quarantined users.
-- Names are compared normalised (trimmed, inner spaces collapsed, lower case); never guessed.
-- Seed 2.1: institution_id is the single source of truth. An affiliated_institution that names
-- another institution is flagged, not quarantined: the profile keeps its institution_id and the
-- text goes to the encrypted archive (profiles.removed_columns).
-- The shown name (Supabase's plain `name` column) must survive: when first/last are both empty
-- transform_profiles.sql keeps it in first_name; when they are set but rebuild another name, the
-- profile is quarantined with that reason rather than showing a different name.
WITH inst AS (
  SELECT NAME_KEY(i.name) AS k, count(*) AS n
    FROM public.institutions i
   GROUP BY 1
), p AS (
  SELECT p.id, p.user_category, p.institution_id, p.name AS shown_name, p.first_name, p.last_name,
         nullif(NAME_KEY(p.affiliated_institution), '') AS aff,
         u.id IS NOT NULL AS has_user,
         i.id IS NOT NULL AS inst_exists,
         NAME_KEY(i.name) AS inst_key
    FROM public.profiles p
    LEFT JOIN auth.users u ON u.id = p.id
    LEFT JOIN public.institutions i ON i.id = p.institution_id
), pa AS (
  SELECT p.*, coalesce(ai.n, 0) AS matches
    FROM p LEFT JOIN inst ai ON ai.k = p.aff
), c AS (
  SELECT p.id::text AS id, 'quarantine' AS kind, CASE
      WHEN NOT p.has_user THEN 'orphaned: no auth user with this id'
      WHEN p.id::text = ANY(%(bad_users)s::text[]) THEN 'its user is quarantined'
      WHEN p.user_category IS NOT NULL AND p.user_category NOT IN ('Provider', 'Medical Coder')
        THEN 'user_category is outside the CHECK list'
      WHEN p.institution_id IS NOT NULL AND NOT p.inst_exists
        THEN 'orphaned: institution_id matches no institution'
      WHEN (p.first_name IS NOT NULL OR p.last_name IS NOT NULL) AND nullif(btrim(p.shown_name), '') IS NOT NULL
           -- compared with spaces normalised: "Jo  Smith" is the name "Jo Smith" showed
           AND SPACES_COLLAPSED(p.shown_name)
               <> SPACES_COLLAPSED(concat_ws(' ', p.first_name, p.last_name))
        THEN 'display name cannot be rebuilt from first_name/last_name'
      WHEN p.institution_id IS NULL AND p.aff IS NOT NULL AND p.matches = 0
        THEN 'affiliated_institution matches no institution'
      WHEN p.institution_id IS NULL AND p.aff IS NOT NULL AND p.matches > 1
        THEN 'affiliated_institution matches ' || p.matches || ' institutions'
    END AS reason
    FROM pa p
)
SELECT c.id, c.kind, c.reason FROM c WHERE c.reason IS NOT NULL
UNION ALL
SELECT p.id::text, 'flag', 'affiliated_institution names another institution than institution_id: kept'
       ' institution_id, the text is in the archive'
  FROM pa p
 WHERE p.has_user AND p.institution_id IS NOT NULL AND p.inst_exists AND p.aff IS NOT NULL
   AND p.aff <> p.inst_key
