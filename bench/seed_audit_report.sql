-- Benchmark data of bench/audit_report.py, loaded by the superuser with session_replication_role =
-- replica (triggers off for the load only). {users} users (every 4th a Provider) in {institutions}
-- institutions; {cases} cases, case k created by user k % {users} (so a worklist page of that user
-- holds cases k, k + {users}, ...); {patients} patients, case k of patient MRN(k % {patients}).
INSERT INTO public.institutions (id, name)
SELECT md5('inst' || i)::uuid, 'Bench institution ' || i FROM generate_series(0, {institutions} - 1) AS i;

INSERT INTO auth.users (id, email, password_hash, email_confirmed_at)
SELECT md5('user' || u)::uuid, 'user' || u || '@bench.example', 'x', now()
  FROM generate_series(0, {users} - 1) AS u;

INSERT INTO public.profiles (id, first_name, last_name, user_category, institution_id, verification_status)
SELECT md5('user' || u)::uuid, 'User', u::text,
       CASE WHEN u % 4 = 0 THEN 'Provider' ELSE 'Medical Coder' END,
       md5('inst' || (u % {institutions}))::uuid, 'verified'
  FROM generate_series(0, {users} - 1) AS u;

INSERT INTO public.medical_notes (id, user_id, institution_id, status, case_number, mrn)
SELECT md5('case' || k)::uuid, md5('user' || (k % {users}))::uuid,
       md5('inst' || ((k % {users}) % {institutions}))::uuid, 'INCOMPLETE', 'BENCH-' || k,
       'MRN' || (k % {patients})
  FROM generate_series(0, {cases} - 1) AS k;
