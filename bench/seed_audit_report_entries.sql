-- One batch of access-log entries n in [{first}, {last}) of bench/audit_report.py, spread evenly
-- over the six years before now: 90% READ (8 in 9 of them one case, as the case page; 1 in 9 a
-- worklist page of 20 cases of the same user), 10% UPDATE of one case; by the case's creator.
-- Hashes are placeholders: the bench times reports, not verification.
INSERT INTO audit.log (lane, seq, at, txid, actor_user_id, db_role, session_role, client_addr, action,
                       table_name, row_id, old_values, new_values, detail, prev_hash, hash)
SELECT (e.n % 8)::smallint, e.n / 8 + 1, e.at, '1'::xid8, md5('user' || (e.k % {users}))::uuid,
       'oxkair_authenticated', 'oxkair_api', '10.0.0.1'::inet,
       CASE WHEN e.n % 10 = 0 THEN 'UPDATE' ELSE 'READ' END, 'public.medical_notes',
       CASE WHEN e.n % 10 = 0 THEN md5('case' || e.k)::uuid::text END,
       CASE WHEN e.n % 10 = 0 THEN '{{"progress_notes": "before"}}'::jsonb END,
       CASE WHEN e.n % 10 = 0 THEN '{{"progress_notes": "after"}}'::jsonb END,
       CASE WHEN e.n % 10 = 0 THEN jsonb_build_object('session_id', 's' || (e.n % 9973))
            WHEN e.n % 10 = 1 THEN jsonb_build_object(
              'endpoint', 'GET /cases', 'count', 20, 'session_id', 's' || (e.n % 9973),
              'row_ids', (SELECT jsonb_agg(md5('case' || ((e.k + {users} * j) % {cases}))::uuid::text)
                            FROM generate_series(0, 19) AS j))
            ELSE jsonb_build_object('endpoint', 'GET /cases/{{case_id}}', 'count', 1,
                                    'session_id', 's' || (e.n % 9973),
                                    'row_ids', jsonb_build_array(md5('case' || e.k)::uuid::text))
       END,
       '\x00'::bytea, '\x00'::bytea
  FROM (SELECT n, (hashint8(n) & 2147483647) % {cases} AS k,
               now() - (((hashint8(-n) & 2147483647)::float8 / 2147483647) * interval '6 years') AS at
          FROM generate_series({first}, {last} - 1) AS n) e;
