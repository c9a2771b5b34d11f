-- Benchmark data (every user a verified member), loaded by the superuser with session_replication_role = replica (triggers off
-- for the load only). Users come in blocks of B = {users}/{institutions} per institution; the
-- first 30% of a block are Providers, the rest Medical Coders. Note n belongs to institution
-- n % I, a coder of that block, and (from PENDING_PROVIDER_REVIEW on) a provider of it.
INSERT INTO public.institutions (id, name, email_domains)
SELECT ('00000000-0000-0000-0000-' || lpad(to_hex(k), 12, '0'))::uuid, 'Institution ' || k,
       ARRAY['inst' || k || '.org']
  FROM generate_series(0, {institutions} - 1) AS k;

INSERT INTO auth.users (id, email, password_hash, email_confirmed_at)
SELECT ('00000000-0000-0001-0000-' || lpad(to_hex(i), 12, '0'))::uuid, 'user' || i || '@bench.org', 'x', now()
  FROM generate_series(0, {users} - 1) AS i;

INSERT INTO public.profiles (id, first_name, last_name, user_category, institution_id, verification_status)
SELECT ('00000000-0000-0001-0000-' || lpad(to_hex(i), 12, '0'))::uuid, 'First' || i, 'Last' || i,
       CASE WHEN i % ({users} / {institutions}) < ({users} / {institutions}) * 3 / 10
            THEN 'Provider' ELSE 'Medical Coder' END,
       ('00000000-0000-0000-0000-' || lpad(to_hex(i / ({users} / {institutions})), 12, '0'))::uuid,
       'verified'
  FROM generate_series(0, {users} - 1) AS i;

INSERT INTO public.user_settings (id) SELECT id FROM auth.users;

INSERT INTO public.medical_notes (user_id, provider_user_id, institution_id, status, case_number,
                                  created_at, mrn, operative_notes, progress_notes)
SELECT ('00000000-0000-0001-0000-' || lpad(to_hex(k * b + p + (n / {institutions}) % (b - p)), 12, '0'))::uuid,
       CASE WHEN n % 4 >= 2
            THEN ('00000000-0000-0001-0000-' || lpad(to_hex(k * b + (n / {institutions}) % p), 12, '0'))::uuid
       END,
       ('00000000-0000-0000-0000-' || lpad(to_hex(k), 12, '0'))::uuid,
       (ARRAY['INCOMPLETE', 'PENDING_CODER_REVIEW', 'PENDING_PROVIDER_REVIEW', 'PENDING_BILLING'])[n % 4 + 1],
       'BENCH-' || n,
       now() - (n % 730) * interval '1 day' - (n % 86400) * interval '1 second',
       'MRN' || n, repeat('operative note text ', {note_bytes} / 20), 'progress'
  FROM generate_series(0, {notes} - 1) AS n,
       LATERAL (SELECT n % {institutions} AS k, {users} / {institutions} AS b,
                       ({users} / {institutions}) * 3 / 10 AS p) AS shape;

ANALYZE;
