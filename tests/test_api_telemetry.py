"""FastAPI's own OpenTelemetry bridge stays off: a configured exporter must not receive request
spans, whose `url.query` would carry an email address (`/institutions/suggest?email=`)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# In a child process: an OpenTelemetry tracer provider can be set once per process.
PROBE = textwrap.dedent("""
    import json
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from opentelemetry import trace
    from opentelemetry.trace import NoOpTracer
    from oxkair.api import create_app
    from oxkair.config import Settings

    recorded = []

    class RecordingTracer(NoOpTracer):
        def start_span(self, name, *args, **kwargs):
            recorded.append({"name": name, **(kwargs.get("attributes") or {})})
            return super().start_span(name, *args, **kwargs)

    class RecordingProvider(trace.TracerProvider):
        def get_tracer(self, *args, **kwargs):
            return RecordingTracer()

    trace.set_tracer_provider(RecordingProvider())
    spans = {}
    for name, app in (("fastapi", FastAPI()), ("oxkair", create_app(Settings(_env_file=None)))):
        recorded.clear()
        TestClient(app).get("/no-such-page?email=jane.roe@example.org")
        spans[name] = list(recorded)
    print(json.dumps(spans))
""")


def test_no_request_spans_reach_a_configured_exporter() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    spans = json.loads(result.stdout.strip().splitlines()[-1])
    # The probe sees spans of a default FastAPI app, query string included ...
    assert spans["fastapi"] and "jane.roe" in json.dumps(spans["fastapi"])
    # ... and none of oxkair's.
    assert spans["oxkair"] == []
