-- Queries of `oxkair check`, one per `-- name:` block. Catalog reads only: any role can run them.

-- name: tls_session
SELECT s.ssl, s.version, s.cipher
  FROM pg_catalog.pg_stat_ssl s WHERE s.pid = pg_catalog.pg_backend_pid();

-- name: settings
SELECT name, setting FROM pg_catalog.pg_settings
 WHERE name IN ('ssl', 'ssl_min_protocol_version', 'ssl_ciphers', 'require_secure_transport', 'password_encryption',
                'pgaudit.log', 'pgaudit.role', 'pgaudit.log_parameter', 'pgaudit.log_relation',
                'shared_preload_libraries', 'azure.extensions', 'server_version');

-- name: hba_rules
-- Readable by superusers only; elsewhere the refused plaintext probe is the evidence.
SELECT type, database, user_name, address, auth_method
  FROM pg_catalog.pg_hba_file_rules WHERE error IS NULL ORDER BY line_number;

-- name: user_tables
-- Tables of the schemas that hold users' data (auth, public) and whatever the API roles reach.
SELECT n.nspname || '.' || c.relname AS table_name, c.relrowsecurity, c.relforcerowsecurity
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND NOT c.relispartition
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
   AND (n.nspname IN ('auth', 'public')
        OR EXISTS (SELECT FROM unnest(ARRAY['oxkair_anon', 'oxkair_authenticated', 'oxkair_api']) r(role)
                    WHERE EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r.role)
                      AND pg_catalog.has_table_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE, DELETE')))
 ORDER BY 1;

-- name: public_grants
-- Every privilege PUBLIC holds on the database, our schemas and what they contain.
WITH objects AS (
  SELECT 'database ' || d.datname AS object,
         (aclexplode(coalesce(d.datacl, acldefault('d', d.datdba)))).*
    FROM pg_catalog.pg_database d WHERE d.datname = current_database()
  UNION ALL
  SELECT 'schema ' || n.nspname, (aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner)))).*
    FROM pg_catalog.pg_namespace n
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  UNION ALL
  SELECT 'table ' || n.nspname || '.' || c.relname,
         (aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char",
                                                   c.relowner)))).*
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
  UNION ALL
  SELECT 'function ' || p.oid::regprocedure::text,
         (aclexplode(coalesce(p.proacl, acldefault('f', p.proowner)))).*
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
)
SELECT object, string_agg(privilege_type, ', ' ORDER BY privilege_type) AS privileges
  FROM objects WHERE grantee = 0
 GROUP BY object ORDER BY object;

-- name: owned_by_api
-- Objects owned by the roles the API acts as (it must own nothing: owners pass RLS).
SELECT r.rolname, count(*) AS objects, min(o.name) AS example
  FROM pg_catalog.pg_roles r
  JOIN (SELECT relowner AS owner, relnamespace::regnamespace || '.' || relname AS name FROM pg_catalog.pg_class
        UNION ALL SELECT proowner, oid::regprocedure::text FROM pg_catalog.pg_proc
        UNION ALL SELECT nspowner, nspname::text FROM pg_catalog.pg_namespace
        UNION ALL SELECT typowner, oid::regtype::text FROM pg_catalog.pg_type
        UNION ALL SELECT datdba, datname::text FROM pg_catalog.pg_database) o ON o.owner = r.oid
 WHERE r.rolname = ANY(%(api_roles)s)
 GROUP BY r.rolname ORDER BY r.rolname;

-- name: api_powers
-- What each API role is, or can become through membership (inherited or by SET ROLE).
SELECT r.rolname, p.rolname AS via, p.rolsuper, p.rolbypassrls, p.rolcreaterole, p.rolcreatedb
  FROM pg_catalog.pg_roles r
  JOIN pg_catalog.pg_roles p ON pg_catalog.pg_has_role(r.oid, p.oid, 'MEMBER')
 WHERE r.rolname = ANY(%(api_roles)s)
   AND (p.rolsuper OR p.rolbypassrls OR p.rolcreaterole OR p.rolcreatedb
        OR p.rolname IN ('oxkair_owner', 'oxkair_definer', 'oxkair_backup', 'oxkair_migrator',
                         'oxkair_break_glass', 'oxkair_auditor', 'pg_read_all_data', 'pg_write_all_data'))
 ORDER BY 1, 2;

-- name: privileged_roles
SELECT r.rolname, r.oid = 10 AS bootstrap, r.rolsuper, r.rolbypassrls, r.rolcanlogin
  FROM pg_catalog.pg_roles r
 WHERE r.rolsuper OR r.rolbypassrls
 ORDER BY 1;

-- name: backup_members
SELECT r.rolname FROM pg_catalog.pg_roles r
 WHERE r.rolname <> 'oxkair_backup'
   AND pg_catalog.pg_has_role(r.oid, 'oxkair_backup', 'MEMBER')
 ORDER BY 1;

-- name: pgaudit_extension
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pgaudit';

-- name: pgaudit_role_grants
-- Object auditing logs the writes pgaudit.role could make: it must cover every PHI table.
SELECT t AS table_name,
       pg_catalog.has_table_privilege(%(role)s, t, 'INSERT, UPDATE, DELETE') AS audited
  FROM unnest(%(tables)s::text[]) t
 WHERE pg_catalog.to_regclass(t) IS NOT NULL;

-- name: audit_triggers
-- An enabled row trigger for insert, update and delete calling the table's generated function
-- (0003_baseline_audit.sql), defined exactly as generated (its WHEN skips only the migration's
-- bulk load) -- and the function must compare every current column (a column added without
-- regenerating it would go unaudited).
SELECT t AS table_name,
       EXISTS (SELECT FROM pg_catalog.pg_trigger g
                WHERE g.tgrelid = pg_catalog.to_regclass(t) AND NOT g.tgisinternal
                  AND g.tgenabled <> 'D'
                  AND (g.tgtype & 1) = 1 AND (g.tgtype & 28) = 28   -- ROW; INSERT(4) | DELETE(8) | UPDATE(16)
                  AND g.tgfoid = pg_catalog.to_regprocedure(
                        'audit.' || pg_catalog.quote_ident(r.function_name) || '()')
                  AND pg_catalog.pg_get_triggerdef(g.oid) = r.trigger_def) AS present,
       coalesce((SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attnum)
                   FROM pg_catalog.pg_attribute a
                  WHERE a.attrelid = pg_catalog.to_regclass(t) AND a.attnum > 0 AND NOT a.attisdropped
                    AND a.attname <> ALL (r.never_recorded)
                    AND a.attname <> ALL (r.columns)), '{}') AS uncovered
  FROM unnest(%(tables)s::text[]) t
  LEFT JOIN audit.row_change_trigger r ON r.table_name = t
 WHERE pg_catalog.to_regclass(t) IS NOT NULL;

-- name: hba_rules_local
-- The same, keyed for the embedded server's superuser read: line -> "type auth_method".
SELECT line_number::text, type || ' ' || auth_method
  FROM pg_catalog.pg_hba_file_rules WHERE error IS NULL ORDER BY line_number;

-- name: audit_writers
-- Functions that write the audit trail with what their caller chooses, executable by a role the
-- API acts as: every non-trigger function of schema audit that is VOLATILE, and any function that
-- calls a writer (audit.append, audit.log_migration) taking the action, table, row, values or
-- role from its arguments. Fixed-purpose writers (app.log_case_reads) take none of those.
SELECT r.role, p.oid::regprocedure::text AS function
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  CROSS JOIN unnest(%(api_roles)s::text[]) AS r(role)
 WHERE EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r.role)
   AND p.prokind = 'f' AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
   AND ((n.nspname = 'audit' AND p.provolatile = 'v')
        OR (p.prosrc ~ 'audit\.(append|log_migration)\s*\('
            AND p.proargnames && ARRAY['p_action', 'p_table', 'p_row_id', 'p_old', 'p_new', 'p_detail',
                                       'p_db_role']))
   AND pg_catalog.has_function_privilege(r.role, p.oid, 'EXECUTE')
 ORDER BY 1, 2;

-- name: membership_rules
-- Where verified membership (0053) is enforced: each end-user policy of medical_notes, the
-- providers list, both case-invariant checks. A row here is a place that no longer requires it.
SELECT 'policy "' || pol.polname || '" on public.medical_notes' AS unguarded
  FROM pg_catalog.pg_policy pol
 WHERE pol.polrelid = 'public.medical_notes'::regclass
   AND (0::oid = ANY (pol.polroles)
        OR EXISTS (SELECT FROM unnest(pol.polroles) AS g(role)
                    WHERE g.role = ANY (ARRAY['oxkair_authenticated', 'oxkair_anon']::regrole[])))
   AND NOT (coalesce(pg_catalog.pg_get_expr(pol.polqual, pol.polrelid), '') || ' '
            || coalesce(pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid), ''))
           LIKE '%current_member_institution()%'
UNION ALL
SELECT 'function ' || f.name
  FROM unnest(ARRAY['public.institution_providers()', 'app.tg_medical_notes__check_invariants()',
                    'app.tg_medical_notes__check_invariants_bulk()']) AS f(name)
  LEFT JOIN pg_catalog.pg_proc p ON p.oid = pg_catalog.to_regprocedure(f.name)
 WHERE p.oid IS NULL OR p.prosrc NOT LIKE '%verification_status%';

-- name: outbox_functions
-- Functions that read, change or delete queued emails (bodies hold live verification and reset
-- links), executable by a role the API acts as. Queueing (INSERT INTO auth.outbox) is not reading.
SELECT r.role, p.oid::regprocedure::text AS function
  FROM pg_catalog.pg_proc p
  CROSS JOIN unnest(%(api_roles)s::text[]) AS r(role)
 WHERE EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r.role)
   AND p.prosrc ~* '(FROM|UPDATE|JOIN)\s+auth\.outbox\M'
   AND pg_catalog.has_function_privilege(r.role, p.oid, 'EXECUTE')
 ORDER BY 1, 2;
