"""Keeps query strings out of uvicorn's access log: they can hold an email address or a search."""

from __future__ import annotations

import logging


class DropQueryString(logging.Filter):
    """Rewrites the path argument of uvicorn's access records to the path alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def install() -> None:
    """Attach the filter to uvicorn's access logger once (idempotent)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, DropQueryString) for f in logger.filters):
        logger.addFilter(DropQueryString())
