"""Operations: encrypted backups (create, verify, restore, prune). The compliance check: oxkair.compliance."""

from oxkair.ops.backup import create_backup, list_backups, prune_backups, restore_backup, verify_backup
from oxkair.ops.crypto import BackupKey

__all__ = ["BackupKey", "create_backup", "list_backups", "prune_backups", "restore_backup", "verify_backup"]
