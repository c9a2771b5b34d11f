"""`oxkair serve`: the embedded server (unless PGHOST is set), the schema, the API and pages."""

from __future__ import annotations

import errno
import os
import socket
from typing import Annotated, Any

import typer
from rich.console import Console

from oxkair.cli_settings import cli_settings as _settings
from oxkair.errors import SetupError

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


_ANY_HOST = ("0.0.0.0", "::", "")  # noqa: S104 (what --host may say, not what we bind here)


def _public_url(host: str, port: int) -> str:
    """The base of email links for a server on host:port (all interfaces: this machine)."""
    shown = "127.0.0.1" if host in _ANY_HOST else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def _require_free_port(host: str, port: int) -> None:
    """Refuse a port something already listens on, the way uvicorn would bind it (SO_REUSEADDR:
    a port in TIME_WAIT is free), before the embedded server or anything else starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SetupError(f"port {port} is already in use on {host}: stop what uses it, "
                                 "or choose another with --port") from None
            raise SetupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="load demo data and print a demo login")] = False,
    workers: Annotated[int | None, typer.Option(
        min=1, max=64, help="API processes (default OXKAIR_WORKERS, 1); one per CPU in production")] = None,
) -> None:
    """Start the embedded server (unless PGHOST is set), apply the schema, serve the HTTP API
    until Ctrl-C."""
    import uvicorn

    from oxkair.api import create_app
    from oxkair.api.security import uvicorn_log_config
    from oxkair.target import local_server, ready, start_embedded

    settings = _settings()
    _require_free_port(host, port)  # before anything starts: one line, exit 2
    if "oxkair_public_url" not in settings.model_fields_set:
        # Email links (verification, reset) point where this server listens, unless set.
        url = _public_url(host, port)
        settings = settings.model_copy(update={"oxkair_public_url": url})
        os.environ["OXKAIR_PUBLIC_URL"] = url  # --workers N: each process reads the environment
    server = local_server(settings) if settings.embedded else None
    started = start_embedded(settings)
    try:
        applied = ready(settings, say=console.print)
        console.print(f"schema: {f'applied {len(applied)} migrations' if applied else 'up to date'}")
        if server:
            console.print(f"embedded PostgreSQL {server.status()['version']} on 127.0.0.1:{server.port}"
                          " (TLS only, verify-full)")
            # How to connect, never a secret: service logs keep what is printed here.
            console.print("  connect:  oxkair local psql   (oxkair local url prints a connection URL)")
        else:
            console.print(f"server: {settings.pghost}:{settings.pgport}/{settings.pgdatabase}")
        if demo:
            from oxkair.demo.cli import load_and_report

            load_and_report(settings, console)
        if not settings.oxkair_require_email_verification:
            err.print("[yellow]warning:[/] OXKAIR_REQUIRE_EMAIL_VERIFICATION=false: unverified addresses "
                      "can sign in (local trials only)")
        console.print(f"email links: {settings.oxkair_public_url}"
                      + ("" if "oxkair_public_url" in settings.model_fields_set or host not in _ANY_HOST
                         else " (set OXKAIR_PUBLIC_URL to the address people reach)"))
        processes = workers or settings.oxkair_workers
        console.print(f"API on http://{host}:{port} ({processes} process{'es' if processes > 1 else ''})"
                      "  (emails: oxkair outbox); Ctrl-C to stop")
        # uvicorn handles SIGINT/SIGTERM itself and returns once it has shut down. Several workers
        # are processes started afresh: each builds the app from the same environment and
        # .env.local (the working directory is theirs too) and opens its own pool.
        factory = "oxkair.api.app:app_from_environment"
        app_or_factory: Any = create_app(settings) if processes == 1 else factory
        # Forwarded headers only from configured proxies: uvicorn's default trusts 127.0.0.1 (and
        # FORWARDED_ALLOW_IPS), which let a local client rotate X-Forwarded-For past the limits.
        proxies = settings.trusted_proxies
        uvicorn.run(app_or_factory, factory=processes > 1, workers=processes, host=host, port=port,
                    log_level="info", server_header=False, date_header=False,
                    log_config=uvicorn_log_config(), proxy_headers=bool(proxies),
                    forwarded_allow_ips=",".join(proxies) if proxies else "")
    finally:
        if server and started:
            server.stop()
            console.print("embedded server stopped")
