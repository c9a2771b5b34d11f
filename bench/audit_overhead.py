"""Cost of the audit trigger: single-row updates of medical_notes, each its own transaction, with
and without the hash-chained audit trigger, interleaved in the same run (issue 2 benchmark).

Target: ratio <= 1.5 for 10k updates.
    .venv/bin/python bench/audit_overhead.py            # 10k updates each way
    .venv/bin/python bench/audit_overhead.py --quick    # CI size
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import describe, pct, scratch_server, superuser  # noqa: E402

UPDATE = "UPDATE public.medical_notes SET progress_notes = %s WHERE id = %s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    updates = 1000 if args.quick else 10_000
    size = {"institutions": 10, "users": 500, "notes": 10_000, "note_bytes": 6000}
    seed_sql = (Path(__file__).with_name("seed_notes.sql")).read_text().format(**size)

    with scratch_server() as server:
        with superuser(server, autocommit=True) as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute(seed_sql)
            cases = [r[0] for r in conn.execute(
                "SELECT id FROM public.medical_notes WHERE status IN ('INCOMPLETE', 'PENDING_CODER_REVIEW')")]
            owners = dict(conn.execute("SELECT id, user_id FROM public.medical_notes").fetchall())
        with superuser(server, autocommit=True) as admin, superuser(server, autocommit=True) as conn:
            timed: dict[bool, list[float]] = {True: [], False: []}
            block = 500
            for start in range(0, updates, block):
                for audited in (True, False):
                    admin.execute("ALTER TABLE public.medical_notes "
                                  + ("ENABLE" if audited else "DISABLE") + " TRIGGER tg_medical_notes__audit")
                    for i in range(start, start + block):
                        case = cases[i % len(cases)]
                        # As the API does it: the end user's claims, one transaction per write.
                        t = time.perf_counter()
                        with conn.transaction():
                            conn.execute("SELECT set_config('request.jwt.claims', %s, true)",
                                         [json.dumps({"sub": str(owners[case])})])
                            conn.execute(UPDATE, [f"progress {i} {audited}", case], prepare=True)
                        timed[audited].append(time.perf_counter() - t)
            admin.execute("ALTER TABLE public.medical_notes ENABLE TRIGGER tg_medical_notes__audit")
            entries = admin.execute("SELECT count(*) FROM audit.log WHERE table_name = 'public.medical_notes'"
                                    ).fetchone()
            broken = admin.execute("SELECT count(*) FROM audit.verify_chain()").fetchone()

    print(describe("update with audit trigger", timed[True]))
    print(describe("update without audit trigger", timed[False]))
    ratio = statistics.fmean(timed[True]) / statistics.fmean(timed[False])
    print(f"ratio audited / plain: mean {ratio:.3f}, p50 {pct(timed[True], .5) / pct(timed[False], .5):.3f}"
          "   (target <= 1.5)")
    print(f"audit entries written: {entries[0] if entries else 0};"
          f" chain problems: {broken[0] if broken else '?'}")


if __name__ == "__main__":
    main()
