"""164.312(a)(2)(iv) Encryption at rest and 164.308(a)(7) backups: storage encryption, backups
readable, encrypted and kept."""

from __future__ import annotations

from oxkair.compliance.base import Checker
from oxkair.compliance.model import (
    AT_REST,
    BACKUP,
)


class StorageChecks(Checker):
    def at_rest(self) -> None:
        azure = self.setting("azure.extensions") is not None
        self.add("storage.encryption", AT_REST, "Database storage encrypted at rest", "unknown",
                 "Azure Flexible Server encrypts storage and backups (AES-256) always; not visible over SQL"
                 if azure else "self-managed server: use an encrypted volume (not visible over SQL)")

    def backups(self) -> None:
        from oxkair.ops.crypto import BackupKey
        from oxkair.ops.manifest import list_tables, unreadable_tables
        from oxkair.ops.retention import HIPAA_YEARS

        with self.conn.transaction():
            missing = unreadable_tables(list_tables(self.conn))
        self.add("backup.readable", BACKUP, "Backups read every row (oxkair_backup policy on each table)",
                 "fail" if missing else "pass",
                 ("oxkair_backup cannot read all of: " + ", ".join(missing)) if missing else
                 "oxkair_backup has SELECT and a read-all policy on every table with RLS")
        monthly = self.settings.oxkair_backup_keep_monthly_years
        yearly = self.settings.oxkair_backup_keep_yearly_years
        self.add("backup.retention", BACKUP, f"Backup retention at least {HIPAA_YEARS} years",
                 "pass" if min(monthly, yearly) >= HIPAA_YEARS else "fail",
                 f"monthly kept {monthly}y, yearly {yearly}y (OXKAIR_BACKUP_KEEP_*); server PITR "
                 "retention and the Azure Backup vault (6 years, infra/azure) are not readable over SQL")
        try:
            key = BackupKey.from_setting(self.settings.oxkair_backup_key)
        except Exception as exc:  # SetupError: the message says what is wrong
            self.add("backup.encryption", BACKUP, "Backups encrypted (AES-256-GCM)", "unknown", str(exc))
        else:
            self.add("backup.encryption", BACKUP, "Backups encrypted (AES-256-GCM)", "pass",
                     f"OXKAIR_BACKUP_KEY is a 256-bit key (id {key.key_id})")
