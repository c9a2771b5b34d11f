-- The latest `oxkair audit verify` run (audit.verification_run, 0110), reviewers only.
SELECT verified_at, entries, problems FROM app.audit_last_verification()
