"""`oxkair migrate run` and `verify` against a raw binary COPY of the same table (issue 4 benchmark).

Two local clusters (source: a Supabase-shaped database; target: the schema), notes of about 6 KB
of text each plus JSON. In the same run: raw `COPY medical_notes TO STDOUT (FORMAT binary)` piped
into `COPY ... FROM STDIN` on the target (the anchor), then `oxkair migrate run`, then `verify`,
each as the CLI a user runs, with its peak RSS.

Targets at 100k notes: run <= 1.3x raw COPY; run + verify <= 2x; peak RSS < 300 MB and flat from
10k to 100k.
    .venv/bin/python bench/migrate.py                 # 10k then 100k notes
    .venv/bin/python bench/migrate.py --quick         # CI size
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from _common import superuser
from _supabase_source import Source, create_source
from oxkair.config import Settings
from oxkair.db import admin_params
from oxkair.local import LocalServer
from oxkair.schema.runner import upgrade

OXKAIR = str(Path(sys.executable).parent / "oxkair")
NOTE_BYTES = 6000


def timed_cli(env: dict[str, str], *args: str, cwd: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one `oxkair` command."""
    started = time.perf_counter()
    proc = subprocess.Popen([OXKAIR, *args], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(out[-2000:], err[-2000:], file=sys.stderr)
    return seconds, usage.ru_maxrss / 1024, code


def settle(*servers: LocalServer) -> None:
    """CHECKPOINT, so that each timed step starts clean: without it the anchor's ~1 GB of WAL
    (or the source's build) sets off a checkpoint during the next step, which then pays for the
    full-page images and the checkpointer's writes (measured: run 1.40x after the anchor, 1.24x
    with this in between)."""
    for server in servers:
        with superuser(server, autocommit=True) as su:
            su.execute("CHECKPOINT")


def raw_copy(src: Source, target: LocalServer) -> float:
    """The anchor: the source's medical_notes, binary COPY out, binary COPY in, over TLS."""
    with psycopg.connect(**target.conninfo("oxkair_admin"), autocommit=True) as tgt, src.connect() as s:
        tgt.execute("DROP SCHEMA IF EXISTS bench_raw CASCADE")
        tgt.execute("CREATE SCHEMA bench_raw")
        cols = s.execute(
            "SELECT string_agg(format('%I %s', attname, format_type(atttypid, atttypmod)), ', '"
            " ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'public.medical_notes'::regclass"
            " AND attnum > 0 AND NOT attisdropped").fetchone()
        assert cols
        tgt.execute(f"CREATE TABLE bench_raw.medical_notes ({cols[0]}, PRIMARY KEY (id))")
        started = time.perf_counter()
        with tgt.transaction(), \
                s.cursor().copy("COPY public.medical_notes TO STDOUT (FORMAT binary)") as cin, \
                tgt.cursor().copy("COPY bench_raw.medical_notes FROM STDIN (FORMAT binary)") as cout:
            for block in cin:
                cout.write(block)
        seconds = time.perf_counter() - started
        tgt.execute("DROP SCHEMA bench_raw CASCADE")
    return seconds


def one_size(notes: int, tmp: Path, archive: bool) -> dict[str, Any]:
    source_server = LocalServer(tmp / f"src{notes}" / ".oxkair")
    target_home = tmp / f"tgt{notes}" / ".oxkair"
    target_server = LocalServer(target_home)
    source_server.start()
    target_server.start()
    try:
        upgrade(admin_params(Settings(oxkair_home=target_home, _env_file=None)))  # type: ignore[call-arg]
        t0 = time.perf_counter()
        src = create_source(source_server, notes=notes, users_per_group=20, note_bytes=NOTE_BYTES,
                            dirty=False, name="supabase_bench")
        with src.connect(autocommit=True) as s:
            s.execute("VACUUM ANALYZE")
            row = s.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('public.medical_notes'))").fetchone()
        print(f"  source built in {time.perf_counter() - t0:.1f} s: {notes} notes, medical_notes "
              f"{row[0] if row else '?'}", flush=True)
        settle(source_server, target_server)
        raw = raw_copy(src, target_server)
        settle(target_server)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(OXKAIR_HOME=str(target_home), OXKAIR_ARCHIVE_KEY=base64.b64encode(os.urandom(32)).decode())
        run_args = ["migrate", "run", "--source", src.url, "--archive-dir", str(tmp / f"archive{notes}"),
                    "--report", str(tmp / f"report{notes}.csv")]
        run_s, run_rss, code = timed_cli(env, *run_args, *([] if archive else ["--no-archive"]), cwd=tmp)
        if code != 0:
            raise SystemExit(f"migrate run failed ({code})")
        settle(target_server)
        verify_s, verify_rss, code = timed_cli(env, "migrate", "verify", "--source", src.url, cwd=tmp)
        if code != 0:
            raise SystemExit(f"migrate verify failed ({code})")
        return {"notes": notes, "raw": raw, "run": run_s, "verify": verify_s, "run_rss": run_rss,
                "verify_rss": verify_rss}
    finally:
        # destroy, not stop: as root the clusters live in /var/lib/oxkair and would outlive tmp.
        source_server.destroy()
        target_server.destroy()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="CI size (500 and 2000 notes)")
    parser.add_argument("--no-archive", action="store_true", help="run without the encrypted archive")
    args = parser.parse_args()
    sizes = [500, 2000] if args.quick else [10_000, 100_000]
    results = []
    with tempfile.TemporaryDirectory(prefix="oxkair-bench-migrate-") as tmp:
        for notes in sizes:
            print(f"{notes} notes:", flush=True)
            r = one_size(notes, Path(tmp), archive=not args.no_archive)
            results.append(r)
            # The time targets are the issue's, at its size (100k notes); the smaller size is
            # there for the memory target (flat from 10k), and its ratios carry the run's fixed
            # costs (~1.5 s of start-up, schema check and connections).
            run_target, both_target = ("(target <= 1.3)", "(target <= 2.0)") if notes == sizes[-1] else \
                ("(the time targets are for the larger size)", "")
            print(f"  raw binary COPY          {r['raw']:8.2f} s  (anchor)")
            print(f"  oxkair migrate run       {r['run']:8.2f} s  ratio {r['run'] / r['raw']:.2f}  "
                  f"{run_target}  peak RSS {r['run_rss']:.0f} MB")
            print(f"  oxkair migrate verify    {r['verify']:8.2f} s  peak RSS {r['verify_rss']:.0f} MB")
            print(f"  run + verify             {r['run'] + r['verify']:8.2f} s  ratio "
                  f"{(r['run'] + r['verify']) / r['raw']:.2f}  {both_target}", flush=True)
    small, large = results
    peak = max(max(r["run_rss"], r["verify_rss"]) for r in results)
    print(f"peak RSS: {peak:.0f} MB (target < 300); {small['notes']} → {large['notes']} notes: run "
          f"{small['run_rss']:.0f} → {large['run_rss']:.0f} MB, verify {small['verify_rss']:.0f} → "
          f"{large['verify_rss']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
