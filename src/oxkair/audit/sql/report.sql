-- The access report (0111_audit_report.sql): the caller's scope comes from their designation or
-- role, never from these parameters; the run itself is recorded in the trail.
SELECT at, lane, seq, user_id, user_name, user_email, user_category, user_institution, db_role, login,
       what, fields, status_from, status_to, case_id, case_number, mrn, case_institution,
       host(client_addr) AS client_addr, session_id, endpoint, flags, intact
  FROM app.audit_report(%(mrn)s, %(case_number)s, %(user_email)s, %(institution)s, %(start)s, %(end)s)
