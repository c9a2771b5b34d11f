-- [0030]
-- Schemas, tables and sequences created by later migrations (all run as oxkair_owner) too.
ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT USAGE ON SCHEMAS TO oxkair_backup;

-- [0030]
ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT SELECT ON TABLES TO oxkair_backup;

-- [0030]
ALTER DEFAULT PRIVILEGES FOR ROLE oxkair_owner GRANT SELECT ON SEQUENCES TO oxkair_backup;
