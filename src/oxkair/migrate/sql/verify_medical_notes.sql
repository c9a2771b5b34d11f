-- NAME_KEY(x) and SPACES_COLLAPSED(x) are written out when loaded: src/oxkair/sql_macros.py.
-- What `verify` expects in the target for public.medical_notes: the transform of `run`, and a
-- case without institution_id has its creator's (filled in when loaded: load_medical_notes.sql).
WITH inst AS (
  SELECT NAME_KEY(i.name) AS k, count(*) AS n,
         (array_agg(i.id))[1] AS id
    FROM public.institutions i
   GROUP BY 1
)
SELECT x.id::uuid AS id, x.user_id::uuid AS user_id, x.mrn::text AS mrn,
       x.date_of_service::timestamptz AS date_of_service,
       x.insurance_provider::text AS insurance_provider, x.status::text AS status,
       x.created_at::timestamptz AS created_at, x.updated_at::timestamptz AS updated_at,
       x.operative_notes::text AS operative_notes, x.admission_notes::text AS admission_notes,
       x.discharge_notes::text AS discharge_notes, x.pathology_notes::text AS pathology_notes,
       x.progress_notes::text AS progress_notes, x.bedside_notes::text AS bedside_notes,
       x.billable_notes::text[] AS billable_notes, x.ai_raw_output::jsonb AS ai_raw_output,
       x.panel_data::jsonb AS panel_data, x.final_processed_data::jsonb AS final_processed_data,
       x.summary_data::jsonb AS summary_data, x.workflow_status::varchar AS workflow_status,
       x.case_number::varchar AS case_number, x.provider_user_id::uuid AS provider_user_id,
       coalesce(x.institution_id, p.institution_id,
                CASE WHEN li.n = 1 THEN li.id END)::uuid AS institution_id
  FROM public.medical_notes x
  LEFT JOIN public.profiles p ON p.id = x.user_id
  LEFT JOIN inst li ON p.institution_id IS NULL
   AND li.k = NAME_KEY(p.affiliated_institution)
 WHERE (%(lo)s::uuid IS NULL OR x.id >= %(lo)s::uuid) AND (%(hi)s::uuid IS NULL OR x.id < %(hi)s::uuid)
   AND x.id::text <> ALL(%(skip)s::text[])
 ORDER BY x.id
