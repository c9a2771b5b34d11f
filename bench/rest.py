"""Supabase-compatible /rest/v1 (issue 13): a coder's 25-row list of cases as supabase-js asks for
it, over HTTP with 20 concurrent clients (`oxkair serve --workers <CPUs>`), against the same SQL
through psycopg in the same run (the statement /rest/v1 builds, sent as the server sends it: RLS
scope, the page with its access-log entry, COMMIT, one pipeline); and the same list with the
institution embedded (`institutions(name)`) against the plain list.

Targets: REST throughput >= 0.5x the direct SQL's; the embedded list's time <= 1.2x the plain one's.
    .venv/bin/python bench/rest.py            # 20 coders x 500 cases, 10 s rounds, 3 rounds
    .venv/bin/python bench/rest.py --quick    # 20 coders x 50 cases, 2 s rounds, 1 round
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import describe, figure, loadavg, scratch_server  # noqa: E402
from api import API_WORKERS, CLIENTS, free_port, make_users, run_clients, start_api  # noqa: E402
from oxkair.db.scoped import SCOPE_SQL, scope_params  # noqa: E402
from oxkair.rest import builder  # noqa: E402
from oxkair.rest.parser import parse_query  # noqa: E402

COLUMNS = "id,case_number,mrn,status,insurance_provider,date_of_service,created_at,updated_at"
PLAIN = [("select", COLUMNS), ("status", "eq.INCOMPLETE"), ("order", "created_at.desc"), ("limit", "25")]
EMBEDDED = [("select", f"{COLUMNS},institutions(name)"), *PLAIN[1:]]


def url(params: list[tuple[str, str]]) -> str:
    """What supabase-js requests: .from('medical_notes').select(…).eq('status', …)
    .order('created_at', { ascending: false }).limit(25), form-encoded as URLSearchParams does."""
    return "/rest/v1/medical_notes?" + urlencode(params)


def anon_key(home: Path) -> str:
    """The deployment's anon key (`oxkair auth anon-key`, as an operator gets it): /rest/v1 checks it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")} | {"OXKAIR_HOME": str(home)}
    out = subprocess.run([str(Path(sys.executable).with_name("oxkair")), "auth", "anon-key"], env=env,
                         check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def bench(duration: float, rounds: int, cases_each: int) -> None:
    with scratch_server() as server:
        port = free_port()
        api = start_api(server.home, port)
        try:
            users = make_users(server, f"http://127.0.0.1:{port}", CLIENTS, cases_each)
        except BaseException:
            api.terminate()
            raise
        print(f"  {CLIENTS} coders with {cases_each} cases each (half INCOMPLETE); {CLIENTS} concurrent"
              f" clients; {rounds} round(s) of {duration:.0f} s; oxkair serve --workers {API_WORKERS};"
              f" load {loadavg()}")
        apikey = anon_key(server.home)
        statement = builder.read("medical_notes", parse_query(PLAIN), limit=25, offset=0, count=False,
                                 endpoint="GET /rest/v1/medical_notes")

        def rest_call(path: str) -> Any:
            def call(user: tuple[str, str], state: dict[str, Any]) -> None:
                headers = {"apikey": apikey, "Authorization": f"Bearer {user[1]}",
                           "Accept-Profile": "public", "X-Client-Info": "supabase-js-node/2"}
                if "http" not in state:
                    state["http"] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    state["close"] = state["http"].close
                try:
                    state["http"].request("GET", path, headers=headers)
                    response = state["http"].getresponse()
                except (http.client.RemoteDisconnected, ConnectionError):
                    state["http"].close()  # uvicorn closes idle keep-alive connections
                    state["http"].request("GET", path, headers=headers)
                    response = state["http"].getresponse()
                rows = json.loads(response.read())
                assert response.status == 200 and len(rows) == 25, rows
            return call

        def direct_call(user: tuple[str, str], state: dict[str, Any]) -> None:
            if "conn" not in state:
                state["conn"] = psycopg.connect(**server.conninfo("oxkair_api"))
                state["close"] = state["conn"].close
            conn = state["conn"]
            claims = {"sub": user[0], "role": "authenticated", "aud": "authenticated"}
            with conn.pipeline(), conn.transaction():
                conn.execute(SCOPE_SQL, scope_params(claims, "127.0.0.1"))
                cur = conn.execute(statement.sql, statement.params)
            row = cur.fetchone()
            assert row is not None and row[1] == 25

        calls = {"direct": direct_call, "rest": rest_call(url(PLAIN)), "embedded": rest_call(url(EMBEDDED))}
        states: dict[str, list[dict[str, Any]]] = {side: [{} for _ in users] for side in calls}
        rates: dict[str, list[float]] = {side: [] for side in calls}
        ratios: list[float] = []
        embed_ratios: list[float] = []
        try:
            for side, call in calls.items():  # warm-up: connections, pools, sessions, plans
                run_clients(1.0, call, users, states[side])

            def measure(side: str) -> float:
                done, lat = run_clients(duration, calls[side], users, states[side])
                print("  " + describe(f"{side:<8} {done / duration:7.0f} req/s", lat))
                rates[side].append(done / duration)
                return done / duration

            before = measure("direct")
            for n in range(rounds):
                # the two REST sides take turns going first, so neither always follows a direct round
                if n % 2:
                    embedded, plain = measure("embedded"), measure("rest")
                else:
                    plain, embedded = measure("rest"), measure("embedded")
                after = measure("direct")
                ratios.append(plain / statistics.fmean([before, after]))
                embed_ratios.append(plain / embedded)  # time per request: embedded over plain
                before = after
        finally:
            for side_states in states.values():
                for state in side_states:
                    if "close" in state:
                        state["close"]()
            api.terminate()
            api.wait(timeout=30)
        direct, rest, embedded = (statistics.median(rates[s]) for s in ("direct", "rest", "embedded"))
        print(figure("REST list throughput (median of rounds)", direct, rest, ">= 0.5", "req/s"))
        print(f"throughput ratio REST / direct: {statistics.median(ratios):.2f} median of {len(ratios)}"
              f" round(s) ({', '.join(f'{r:.2f}' for r in ratios)})  (target >= 0.5)")
        print(figure("embedded list time per request", 1000 / rest, 1000 / embedded, "<= 1.2", "ms"))
        listed = ", ".join(f"{r:.2f}" for r in embed_ratios)
        print(f"time ratio embedded / plain: {statistics.median(embed_ratios):.2f} median of"
              f" {len(embed_ratios)} round(s) ({listed})  (target <= 1.2)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print("GET /rest/v1/medical_notes (25 rows, status filter, newest first):")
    bench(2.0 if args.quick else 10.0, 1 if args.quick else 3, 50 if args.quick else 500)


if __name__ == "__main__":
    main()
