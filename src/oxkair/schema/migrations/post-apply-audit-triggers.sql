-- Runs after every `oxkair db upgrade` that applied a migration (a yoyo post-apply hook, as
-- oxkair_owner; idempotent): regenerates each table's row-change audit trigger from its current
-- columns, so a migration that adds a column to an audited table cannot leave it unaudited
-- (0003_baseline_audit.sql and docs/audit.md explain why the triggers are generated).
DO $$ BEGIN PERFORM audit.refresh_row_change_triggers(); END $$;
