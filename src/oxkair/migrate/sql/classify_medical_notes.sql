-- NAME_KEY(x) and SPACES_COLLAPSED(x) are written out when loaded: src/oxkair/sql_macros.py.
-- public.medical_notes rows to quarantine. %(bad_users)s / %(bad_profiles)s: quarantined ids.
-- Mirrors the target's constraints and its case-invariant trigger (0003), so that a loaded
-- chunk never fails: the creator's institution is the profile's, or the one its
-- affiliated_institution names unambiguously (exactly as profiles are linked).
WITH inst AS (
  SELECT NAME_KEY(i.name) AS k, count(*) AS n,
         (array_agg(i.id))[1] AS id
    FROM public.institutions i
   GROUP BY 1
), eff AS (
  SELECT p.id, p.user_category, p.id::text = ANY(%(bad_profiles)s::text[]) AS bad,
         coalesce(p.institution_id, CASE WHEN li.n = 1 THEN li.id END) AS institution_id
    FROM public.profiles p
    LEFT JOIN inst li ON li.k = NAME_KEY(p.affiliated_institution)
), n AS (
  SELECT n.id, n.user_id, n.provider_user_id, n.status, n.institution_id, n.case_number,
         count(*) OVER (PARTITION BY n.case_number) AS same_case
    FROM public.medical_notes n
), c AS (
  SELECT n.id::text AS id, 'quarantine' AS kind, CASE
      WHEN cu.id IS NULL THEN 'orphaned: user_id matches no auth user'
      WHEN n.user_id::text = ANY(%(bad_users)s::text[]) THEN 'its creator is quarantined'
      WHEN n.provider_user_id IS NOT NULL AND pu.id IS NULL
        THEN 'orphaned: provider_user_id matches no auth user'
      WHEN n.provider_user_id::text = ANY(%(bad_users)s::text[]) THEN 'its provider is quarantined'
      WHEN n.institution_id IS NOT NULL AND i.id IS NULL
        THEN 'orphaned: institution_id matches no institution'
      WHEN n.status IS NOT NULL
           AND n.status <> ALL(%(statuses)s::text[])  -- api/models.py STATUSES (the CHECK's list)
        THEN 'status is outside the CHECK list'
      WHEN coalesce(btrim(n.case_number), '') = '' THEN 'case_number is missing'
      WHEN n.same_case > 1 THEN 'case_number is duplicated (' || n.same_case || ' cases)'
      WHEN ce.bad THEN 'its creator''s profile is quarantined'
      WHEN pe.bad THEN 'its provider''s profile is quarantined'
      WHEN n.institution_id IS NOT NULL AND n.institution_id IS DISTINCT FROM ce.institution_id
        THEN 'institution_id differs from its creator''s institution'
      WHEN n.status = 'PENDING_PROVIDER_REVIEW' AND n.provider_user_id IS NULL
        THEN 'pending provider review without an assigned provider'
      WHEN n.provider_user_id IS NOT NULL
           AND (pe.id IS NULL OR pe.user_category IS DISTINCT FROM 'Provider' OR pe.institution_id IS NULL
                OR pe.institution_id IS DISTINCT FROM coalesce(n.institution_id, ce.institution_id))
        THEN 'the assigned provider is not a Provider of the case''s institution'
    END AS reason
    FROM n
    LEFT JOIN auth.users cu ON cu.id = n.user_id
    LEFT JOIN auth.users pu ON pu.id = n.provider_user_id
    LEFT JOIN public.institutions i ON i.id = n.institution_id
    LEFT JOIN eff ce ON ce.id = n.user_id
    LEFT JOIN eff pe ON pe.id = n.provider_user_id
)
SELECT c.id, c.kind, c.reason FROM c WHERE c.reason IS NOT NULL
