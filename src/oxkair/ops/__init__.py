"""Operations: encrypted backups (create, verify, restore, prune) and the compliance check."""

from oxkair.ops.backup import create_backup, list_backups, prune_backups, restore_backup, verify_backup
from oxkair.ops.check import run_checks
from oxkair.ops.crypto import BackupKey

__all__ = ["BackupKey", "create_backup", "list_backups", "prune_backups", "restore_backup", "run_checks",
           "verify_backup"]
