-- ╔══════════════════════════════════════════════════════════════════════════════════════════════╗
-- ║ Backups (HIPAA 164.308(a)(7)): oxkair_backup reads every row, so `oxkair backup` can dump    ║
-- ║ tables whose row-level security is FORCED. No BYPASSRLS anywhere: a "Backups read every row" ║
-- ║ policy per table and SELECT on every table, both made by post-apply-backup-access.sql after  ║
-- ║ every upgrade (whatever migration added a table); the default privileges below cover what    ║
-- ║ later migrations create meanwhile. oxkair_backup is NOLOGIN; roles.sql grants it to the      ║
-- ║ server admin only. docs/operations.md.                                                       ║
-- ╚══════════════════════════════════════════════════════════════════════════════════════════════╝

ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT USAGE ON SCHEMAS TO oxkair_backup;

ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT SELECT ON TABLES TO oxkair_backup;

ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT SELECT ON SEQUENCES TO oxkair_backup;