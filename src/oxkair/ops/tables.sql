-- The tables a backup holds, with their columns in order and whether oxkair_backup can read
-- every row. `builtin`: per column, whether its type (and element type) is built into PostgreSQL,
-- so that its binary form carries no OID that differs in a restored database.
SELECT n.nspname AS schema,
       c.relname AS name,
       (SELECT array_agg(a.attname::text ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
       (SELECT array_agg(ty.oid < 16384 AND ty.typelem < 16384 ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a
          JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS builtin,
       c.relrowsecurity AS rls,
       pg_catalog.has_table_privilege('oxkair_backup', c.oid, 'SELECT') AS readable,
       EXISTS (SELECT FROM pg_catalog.pg_policy p
                WHERE p.polrelid = c.oid AND p.polcmd IN ('r', '*') AND p.polpermissive
                  AND p.polroles && ARRAY['oxkair_backup'::regrole::oid]
                  AND pg_catalog.pg_get_expr(p.polqual, p.polrelid) = 'true') AS backup_policy
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
   AND n.nspname NOT LIKE 'pg\_temp\_%'
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                      AND d.deptype = 'e')
 ORDER BY n.nspname, c.relname
