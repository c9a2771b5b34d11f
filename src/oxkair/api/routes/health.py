"""GET /healthz: the process is up and the database answers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from oxkair.api.problems import Problem

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, Any]:
    def ping() -> bool:
        with request.app.state.pool.connection(timeout=5) as conn:
            row = conn.execute("SELECT 1").fetchone()
            return bool(row == (1,))

    try:
        ok = await run_in_threadpool(ping)
    except Exception as exc:  # any failure means "not healthy"; no detail leaves the process
        raise Problem(503, "the database does not answer") from exc
    return {"status": "ok" if ok else "degraded", "database": ok}
