"""Cost of the audit trigger: single-row updates of medical_notes, each its own transaction, with
and without the hash-chained audit trigger, interleaved in the same run (issue 2 benchmark).

Two paths, both printed:
  * as the API writes: the oxkair_api login over TLS, `as_end_user` (SET LOCAL ROLE
    oxkair_authenticated + the caller's claims, so RLS and its policies apply), the case's own
    coder changing its progress notes -- the path every audited write in the product takes;
  * bare: the local superuser over the unix socket, no role switch, no RLS -- the trigger's cost
    against the least work an UPDATE can do.
Target: ratio <= 1.5 for 10k updates each way (the issue names no role; the API path is the
product's, the bare path the worst case).
    .venv/bin/python bench/audit_overhead.py            # 10k updates each way and path
    .venv/bin/python bench/audit_overhead.py --quick    # CI size
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import describe, figure, pct, scratch_server, superuser  # noqa: E402
from oxkair.db import as_end_user  # noqa: E402

UPDATE = "UPDATE public.medical_notes SET progress_notes = %s WHERE id = %s"
TRIGGER = "tg_medical_notes__audit"


def _api_update(conn: psycopg.Connection[Any], owner: str, case: str, text: str) -> None:
    with as_end_user(conn, {"sub": owner, "role": "authenticated"}, "127.0.0.1"):
        if conn.execute(UPDATE, [text, case], prepare=True).rowcount != 1:
            raise SystemExit("the coder could not update its own case: the bench data is wrong")


def _bare_update(conn: psycopg.Connection[Any], owner: str, case: str, text: str) -> None:
    with conn.transaction():
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps({"sub": owner})])
        conn.execute(UPDATE, [text, case], prepare=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    updates = 1000 if args.quick else 10_000
    size = {"institutions": 10, "users": 500, "notes": 10_000, "note_bytes": 6000}
    seed_sql = (Path(__file__).with_name("seed_notes.sql")).read_text().format(**size)

    with scratch_server() as server:
        with superuser(server, autocommit=True) as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute(seed_sql)
            cases = [(str(c), str(u)) for c, u in conn.execute(
                "SELECT id, user_id FROM public.medical_notes"
                " WHERE status IN ('INCOMPLETE', 'PENDING_CODER_REVIEW') ORDER BY id")]
        with superuser(server, autocommit=True) as admin, \
                superuser(server, autocommit=True) as bare, \
                psycopg.connect(**server.conninfo("oxkair_api"), autocommit=True) as api:
            paths = {"api": (api, _api_update), "bare": (bare, _bare_update)}
            timed: dict[tuple[str, bool], list[float]] = {(p, a): [] for p in paths for a in (True, False)}
            block = 500
            for start in range(0, updates, block):
                for audited in (True, False):
                    admin.execute(f"ALTER TABLE public.medical_notes {'ENABLE' if audited else 'DISABLE'}"
                                  f" TRIGGER {TRIGGER}")
                    for path, (conn, update) in paths.items():
                        for i in range(start, start + block):
                            case, owner = cases[i % len(cases)]
                            t = time.perf_counter()
                            update(conn, owner, case, f"progress {i} {path} {audited}")
                            timed[(path, audited)].append(time.perf_counter() - t)
            admin.execute(f"ALTER TABLE public.medical_notes ENABLE TRIGGER {TRIGGER}")
            entries = admin.execute("SELECT count(*) FROM audit.log WHERE table_name = 'public.medical_notes'"
                                    ).fetchone()
            broken = admin.execute("SELECT count(*) FROM audit.verify_chain()").fetchone()

    for path, label in (("api", "as the API writes (TLS, RLS)"), ("bare", "bare (superuser, no RLS)")):
        audited, plain = timed[(path, True)], timed[(path, False)]
        print(f"{label}:")
        print("  " + describe("update with audit trigger", audited))
        print("  " + describe("update without audit trigger", plain))
        print("  " + figure("update mean, audited / trigger disabled", statistics.fmean(plain) * 1000,
                            statistics.fmean(audited) * 1000, "<= 1.5", "ms")
              + f"  [p50 ratio {pct(audited, .5) / pct(plain, .5):.3f}]")
    expected = 2 * updates
    print(f"audit entries written: {entries[0] if entries else 0} (expected {expected});"
          f" chain problems: {broken[0] if broken else '?'}")
    if not entries or entries[0] != expected or not broken or broken[0] != 0:
        raise SystemExit("the audit trail is not what the updates should have left")


if __name__ == "__main__":
    main()
