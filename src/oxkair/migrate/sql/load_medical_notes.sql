-- The select list of the INSERT from a chunk's stage table `s` into public.medical_notes, in the
-- order of the table's columns in tables.py. During the bulk load the row trigger that fills a
-- case's institution from its creator's (0003) gives way to a statement-level check (0052), so
-- the load fills it here, the same way; the check refuses the chunk if it does not hold.
s.id, s.user_id, s.mrn, s.date_of_service, s.insurance_provider, s.status, s.created_at,
s.updated_at, s.operative_notes, s.admission_notes, s.discharge_notes, s.pathology_notes,
s.progress_notes, s.bedside_notes, s.billable_notes, s.ai_raw_output, s.panel_data,
s.final_processed_data, s.summary_data, s.workflow_status, s.case_number, s.provider_user_id,
coalesce(s.institution_id, (SELECT p.institution_id FROM public.profiles p WHERE p.id = s.user_id))
