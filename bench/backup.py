"""Benchmark: `oxkair backup create` + `verify` of a 100k-note database vs. a restore drill by hand.

Runs a throwaway embedded server, bulk-loads the notes (superuser, triggers skipped), then times
in the same run, alternated: the anchor, what a careful user does by hand to prove a backup
restores (`pg_dump -Fc` to a file, then `createdb` + `pg_restore` of it into a scratch database,
dropped afterwards); backup create (pg_dump -Z0 + zstd + AES-256-GCM, table digests on the server
in the same snapshot); backup verify (decrypt, a full restore into a scratch database + the same
digests, compared). Target: create + verify <= 1.0x the drill. Also timed, to show where the time
goes: pg_dump -Z0 alone (create's floor) and verify's restore and digest parts.
Usage: .venv/bin/python bench/backup.py [--quick] [--notes N]
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from _common import figure, loadavg  # bench/ is on sys.path when a bench runs
from oxkair.config import Settings
from oxkair.local import LocalServer
from oxkair.ops import backup as ops
from oxkair.ops.crypto import BackupKey
from oxkair.ops.pgtools import pg_env, tool
from oxkair.ops.storage import DirectoryStorage
from oxkair.schema.runner import upgrade
from oxkair.target import admin_params

LOAD_SQL = """
SET session_replication_role = replica;  -- bulk load: no audit or invariant triggers
INSERT INTO public.institutions (id, name, email_domains)
SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'Bench Hospital ' || i,
       ARRAY['bench' || i || '.example.org']
  FROM generate_series(1, 20) i;
INSERT INTO auth.users (id, email, password_hash, email_confirmed_at)
SELECT ('00000000-0000-4000-9000-' || lpad(i::text, 12, '0'))::uuid, 'bench' || i || '@example.org',
       '$argon2id$v=19$m=19456,t=2,p=1$' || md5(i::text), now()
  FROM generate_series(1, %(users)s) i;
INSERT INTO public.profiles (id, first_name, last_name, user_category, institution_id)
SELECT ('00000000-0000-4000-9000-' || lpad(i::text, 12, '0'))::uuid, 'First' || i, 'Last' || i,
       CASE WHEN i % 4 = 0 THEN 'Provider' ELSE 'Medical Coder' END,
       ('00000000-0000-4000-8000-' || lpad((i % 20 + 1)::text, 12, '0'))::uuid
  FROM generate_series(1, %(users)s) i;
INSERT INTO public.user_settings (id)
SELECT ('00000000-0000-4000-9000-' || lpad(i::text, 12, '0'))::uuid FROM generate_series(1, %(users)s) i;
-- Notes of a few KB each: clinical-looking text that compresses about as well as real notes.
INSERT INTO public.medical_notes (user_id, provider_user_id, institution_id, mrn, date_of_service,
       status, case_number, operative_notes, progress_notes, discharge_notes, billable_notes,
       ai_raw_output, summary_data)
SELECT ('00000000-0000-4000-9000-' || lpad((i % %(users)s + 1)::text, 12, '0'))::uuid,
       ('00000000-0000-4000-9000-' || lpad(((i % (%(users)s / 4)) * 4 + 4)::text, 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad((i % 20 + 1)::text, 12, '0'))::uuid,
       'MRN' || lpad(i::text, 9, '0'), now() - (i % 900) * interval '1 day',
       (ARRAY['INCOMPLETE', 'PENDING_CODER_REVIEW', 'PENDING_PROVIDER_REVIEW', 'PENDING_BILLING'])[i % 4 + 1],
       'CASE-' || lpad(i::text, 9, '0'),
       'Patient ' || i || ' underwent laparoscopic procedure; findings ' || md5(i::text) || ' '
         || repeat('Incision closed in layers, estimated blood loss ' || (i % 300) || ' mL. ', 12)
         || md5((i * 7)::text),
       repeat('Vitals stable, pain controlled, ambulating. ' || md5((i * 3)::text) || ' ', 10),
       'Discharged home day ' || (i % 5) || '. ' || repeat(md5((i * 11)::text), 8),
       ARRAY['47562', '49320', 'K80.20'],
       jsonb_build_object('codes', jsonb_build_array('47562', 'K80.' || (i % 99)),
                          'confidence', (i % 100) / 100.0, 'rationale', repeat(md5((i * 13)::text), 6)),
       jsonb_build_object('summary', 'Case ' || i, 'hash', md5((i * 17)::text))
  FROM generate_series(1, %(notes)s) i;
ANALYZE;
"""


def timed(label: str, fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"  {label:<34} {elapsed:8.2f} s", flush=True)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 notes (CI smoke run)")
    parser.add_argument("--notes", type=int, default=None, help="number of notes (default 100,000)")
    args = parser.parse_args()
    notes = args.notes or (5_000 if args.quick else 100_000)
    users = max(40, notes // 50)
    with tempfile.TemporaryDirectory(prefix="oxkair-bench-") as tmp:
        home = Path(tmp) / ".oxkair"
        settings = Settings(oxkair_home=home, _env_file=None)  # type: ignore[call-arg]
        server = LocalServer(home)
        try:  # a start that fails half-way leaves a data dir too
            server.start()
            upgrade(admin_params(settings))
            print(f"loading {notes:,} notes, {users:,} users ...", flush=True)
            with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as su:
                su.execute(LOAD_SQL.replace("%(users)s", str(users)).replace("%(notes)s", str(notes)))
                size = su.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
            print(f"database size: {size[0] if size else '?'}")
            key = BackupKey.from_setting(BackupKey.generate())
            storage = DirectoryStorage(Path(tmp) / "backups")
            plain = Path(tmp) / "plain.dump"
            params = admin_params(settings)
            with psycopg.connect(**params) as conn:
                extensions = [f"--extension={e}" for e in ops._dumped_extensions(conn)]
            # The same objects as the backup dumps (pgaudit is server configuration, left out).
            anchor_args = [tool("pg_dump"), "--format=custom", f"--file={plain}", f"--role={ops.BACKUP_ROLE}",
                           "--enable-row-security", "--no-password", *extensions]

            def plain_dump() -> None:
                subprocess.run(anchor_args, env=pg_env(params), check=True)

            def uncompressed_dump() -> None:
                subprocess.run([*anchor_args, "--compress=0", f"--file={plain}.z0"], env=pg_env(params),
                               check=True)

            def plain_restore() -> None:
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute("CREATE DATABASE bench_plain_restore")
                # The restore of a drill by hand, at its cheapest: one pass, no owners or
                # privileges, no decryption and no hashing (what `backup verify` adds).
                subprocess.run([tool("pg_restore"), "--no-password", "--single-transaction", "--no-owner",
                                "--no-acl", "-d", "bench_plain_restore", str(plain)],
                               env=pg_env(params), check=True, capture_output=True)
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute("DROP DATABASE bench_plain_restore WITH (FORCE)")

            results: dict[str, list[float]] = {}

            def timing(name: str, fn: Any) -> Any:
                """verify's parts, timed from inside it."""
                @functools.wraps(fn)
                def wrapper(*a: Any, **kw: Any) -> Any:
                    start = time.perf_counter()
                    try:
                        return fn(*a, **kw)
                    finally:
                        results.setdefault(name, []).append(time.perf_counter() - start)
                return wrapper

            ops.restore_into = timing("verify: restore", ops.restore_into)  # type: ignore[assignment]
            ops.digest_database = timing("verify: digest", ops.digest_database)  # type: ignore[assignment]

            rounds = 1 if args.quick else 2
            print(f"timings ({rounds} round(s), alternated, after one untimed pg_dump to warm the cache):")
            plain_dump()
            made: list[ops.Manifest] = []
            for _ in range(rounds):  # alternated, so cache and machine noise hit all alike
                results.setdefault("dump", []).append(timed("pg_dump -Fc (drill, part 1)", plain_dump))
                results.setdefault("restore", []).append(
                    timed("createdb + pg_restore (drill, part 2)", plain_restore))
                results.setdefault("create", []).append(timed("oxkair backup create", lambda: made.append(
                    ops.create_backup(settings, storage, key))))
                results.setdefault("verify", []).append(
                    timed("oxkair backup verify", lambda: ops.verify_backup(settings, storage, key)))
                results.setdefault("dump0", []).append(timed("pg_dump -Fc -Z0 (create's floor)",
                                                             uncompressed_dump))
            # Each round's pair against the same round's drill; the best round of each.
            drill = min(d + r for d, r in zip(results["dump"], results["restore"], strict=True))
            ours = min(c + v for c, v in zip(results["create"], results["verify"], strict=True))
            manifest = made[-1]
            print(f"plain dump {plain.stat().st_size / 1e6:.1f} MB; encrypted backup "
                  f"{manifest.file_bytes / 1e6:.1f} MB ({manifest.dump_bytes / 1e6:.1f} MB before zstd); "
                  f"{manifest.tables['public.medical_notes'].rows:,} notes in the manifest")
            print(f"verify's parts (best): restore {min(results['verify: restore']):.2f} s, "
                  f"digest {min(results['verify: digest']):.2f} s; pg_dump -Z0 {min(results['dump0']):.2f} s")
            print(f"{notes:,} notes, best of {rounds}; anchor = the restore drill by hand, "
                  f"pg_dump -Fc + pg_restore into a scratch database (load average {loadavg()}):")
            print("  " + figure("backup create + verify", drill, ours, "<= 1.0"))
            print("  " + figure("  of which create, vs pg_dump -Fc", min(results["dump"]),
                                min(results["create"]), ""))
            print("  " + figure("  of which verify, vs createdb + pg_restore", min(results["restore"]),
                                min(results["verify"]), ""))
        finally:
            server.destroy()  # not stop(): as root the cluster lives in /var/lib/oxkair
    return 0


if __name__ == "__main__":
    sys.exit(main())
