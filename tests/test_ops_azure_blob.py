"""Backups to Azure Blob Storage through the Azure SDK, against the Azurite emulator."""

from __future__ import annotations

import base64
import re

import pytest

from oxkair.config import Settings
from oxkair.errors import OxkairError, SetupError
from oxkair.local import LocalServer
from oxkair.ops import backup as ops
from oxkair.ops.crypto import BackupKey
from oxkair.ops.storage import AzureBlobStorage, open_storage

pytestmark = pytest.mark.slow


@pytest.fixture()
def blob_settings(server: LocalServer, backup_settings: Settings, azurite: str) -> Settings:
    return backup_settings.model_copy(update={"oxkair_backup_azure_connection_string": azurite})


def test_create_list_verify_prune_in_blob_storage(blob_settings: Settings, backup_key: BackupKey) -> None:
    storage = open_storage("az://oxkair-backups/prod", blob_settings)
    assert isinstance(storage, AzureBlobStorage)
    assert ops.list_backups(storage) == []
    manifest = ops.create_backup(blob_settings, storage, backup_key)
    assert sorted(storage.names()) == [manifest.name + ops.DUMP_SUFFIX, manifest.name + ops.MANIFEST_SUFFIX]
    assert [b.name for b in ops.list_backups(storage)] == [manifest.name]
    result = ops.verify_backup(blob_settings, storage, backup_key)
    assert result.problems == [] and result.manifest.name == manifest.name
    assert ops.prune_backups(storage, ops.policy_from(blob_settings))[manifest.name]
    # Another prefix in the same container sees none of them.
    assert open_storage("az://oxkair-backups/other", blob_settings).names() == []


def test_blob_destination_needs_credentials(backup_settings: Settings) -> None:
    with pytest.raises(SetupError, match="OXKAIR_BACKUP_AZURE_ACCOUNT_URL"):
        open_storage("az://backups", backup_settings)
    with pytest.raises(SetupError, match="name a container"):
        open_storage("az://", backup_settings)


def test_storage_errors_are_one_line(backup_settings: Settings, azurite: str) -> None:
    wrong_key = re.sub(r"AccountKey=[^;]+", "AccountKey=" + base64.b64encode(b"x" * 64).decode(), azurite)
    settings = backup_settings.model_copy(update={"oxkair_backup_azure_connection_string": wrong_key})
    with pytest.raises(OxkairError, match="Azure Blob Storage: cannot list backups"):
        open_storage("az://oxkair-backups/prod", settings).names()
