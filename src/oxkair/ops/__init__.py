"""Operations: encrypted backups (create, verify, restore, prune). The compliance check: oxkair.compliance.

The names below load on first use: every `oxkair` command imports this package (for
ops.pgtools, ops.storage), and only backup commands need the backup machinery (~150 ms of the
CLI's start-up, which `oxkair migrate run` pays too)."""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {"create_backup": "backup", "list_backups": "backup", "prune_backups": "backup",
          "restore_backup": "backup", "verify_backup": "backup", "BackupKey": "crypto"}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
