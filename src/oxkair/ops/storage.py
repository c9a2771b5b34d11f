"""Where backups live: a directory, or an Azure Blob Storage container (az://container/prefix)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from oxkair.errors import OxkairError, SetupError

if TYPE_CHECKING:
    from oxkair.config import Settings

AZURE_SCHEME = "az://"


@contextmanager
def _azure(action: str) -> Iterator[None]:
    """Azure SDK failures (auth, network, immutability policy) as one-line errors."""
    from azure.core.exceptions import AzureError, ResourceNotFoundError

    try:
        yield
    except ResourceNotFoundError:
        raise
    except AzureError as exc:
        reason = getattr(exc, "reason", None) or str(exc).strip().splitlines()[0]
        raise OxkairError(f"Azure Blob Storage: cannot {action}: {reason}") from exc


class Storage(Protocol):
    description: str

    def staging_dir(self) -> Path: ...
    def put_file(self, name: str, local: Path) -> None: ...
    def put_text(self, name: str, text: str) -> None: ...
    def get_text(self, name: str) -> str: ...
    def names(self) -> list[str]: ...
    def delete(self, name: str) -> None: ...
    def local_copy(self, name: str) -> Any: ...  # a context manager giving a readable Path


class DirectoryStorage:
    """A local or mounted directory; files appear only once complete (rename)."""

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser().resolve()
        self.description = str(self.path)

    def staging_dir(self) -> Path:
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.path

    def put_file(self, name: str, local: Path) -> None:
        os.replace(local, self.path / name)

    def put_text(self, name: str, text: str) -> None:
        partial = self.staging_dir() / f".{name}.partial"
        partial.write_text(text)
        os.replace(partial, self.path / name)

    def get_text(self, name: str) -> str:
        try:
            return (self.path / name).read_text()
        except FileNotFoundError as exc:
            raise OxkairError(f"{name} not found in {self.description}") from exc

    def names(self) -> list[str]:
        if not self.path.is_dir():
            raise OxkairError(f"backup directory {self.description} does not exist")
        return sorted(p.name for p in self.path.iterdir() if p.is_file() and not p.name.startswith("."))

    def delete(self, name: str) -> None:
        (self.path / name).unlink(missing_ok=True)

    @contextmanager
    def local_copy(self, name: str) -> Iterator[Path]:
        path = self.path / name
        if not path.exists():
            raise OxkairError(f"{name} not found in {self.description}")
        yield path


class AzureBlobStorage:
    """A container in Azure Blob Storage, through the Azure SDK (connection string or Entra ID)."""

    def __init__(self, container: str, prefix: str, settings: Settings) -> None:
        try:
            from azure.storage.blob import BlobServiceClient
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise SetupError("azure-storage-blob is not installed") from exc
        if settings.oxkair_backup_azure_connection_string:
            service = BlobServiceClient.from_connection_string(
                settings.oxkair_backup_azure_connection_string)
        elif settings.oxkair_backup_azure_account_url:
            from azure.identity import DefaultAzureCredential

            service = BlobServiceClient(settings.oxkair_backup_azure_account_url,
                                        credential=DefaultAzureCredential())
        else:
            raise SetupError("az:// destination needs OXKAIR_BACKUP_AZURE_ACCOUNT_URL (Entra ID) "
                             "or OXKAIR_BACKUP_AZURE_CONNECTION_STRING")
        self.container = service.get_container_client(container)
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.description = f"{AZURE_SCHEME}{container}/{self.prefix}"
        self._staging: Path | None = None

    def _ensure_container(self) -> None:
        from azure.core.exceptions import ResourceExistsError

        with _azure("create the container"), suppress(ResourceExistsError):
            self.container.create_container()

    def staging_dir(self) -> Path:
        # Only ciphertext is staged here before upload.
        if self._staging is None:
            self._staging = Path(tempfile.mkdtemp(prefix="oxkair-backup-"))
        return self._staging

    def put_file(self, name: str, local: Path) -> None:
        self._ensure_container()
        with _azure(f"upload {name}"), local.open("rb") as fh:
            self.container.upload_blob(self.prefix + name, fh, overwrite=False, max_concurrency=4)
        local.unlink()
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    def put_text(self, name: str, text: str) -> None:
        self._ensure_container()
        with _azure(f"upload {name}"):
            self.container.upload_blob(self.prefix + name, text.encode(), overwrite=False)

    def get_text(self, name: str) -> str:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            with _azure(f"read {name}"):
                return bytes(self.container.download_blob(self.prefix + name).readall()).decode()
        except ResourceNotFoundError as exc:
            raise OxkairError(f"{name} not found in {self.description}") from exc

    def names(self) -> list[str]:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            with _azure("list backups"):
                return sorted(b.name[len(self.prefix):] for b in
                              self.container.list_blobs(name_starts_with=self.prefix or None)
                              if "/" not in b.name[len(self.prefix):])
        except ResourceNotFoundError:
            return []

    def delete(self, name: str) -> None:
        # An immutability (WORM) policy refuses early deletes: reported, never a traceback.
        with _azure(f"delete {name}"):
            self.container.delete_blob(self.prefix + name)

    @contextmanager
    def local_copy(self, name: str) -> Iterator[Path]:
        from azure.core.exceptions import ResourceNotFoundError

        with tempfile.TemporaryDirectory(prefix="oxkair-restore-") as tmp:
            path = Path(tmp) / name
            try:
                with _azure(f"download {name}"), path.open("wb") as fh:
                    self.container.download_blob(self.prefix + name, max_concurrency=4).readinto(fh)
            except ResourceNotFoundError as exc:
                raise OxkairError(f"{name} not found in {self.description}") from exc
            yield path


def open_storage(destination: str | Path | None, settings: Settings) -> Storage:
    """`--to` / `--from`, else OXKAIR_BACKUP_TO: a directory or az://container[/prefix]."""
    target = str(destination) if destination is not None else settings.oxkair_backup_to
    if not target:
        raise SetupError("no backup destination: pass --to DIR (or az://container) "
                         "or set OXKAIR_BACKUP_TO")
    if target.startswith(AZURE_SCHEME):
        container, _, prefix = target[len(AZURE_SCHEME):].partition("/")
        if not container:
            raise SetupError(f"{target}: name a container, e.g. az://backups/oxkair")
        return AzureBlobStorage(container, prefix, settings)
    return DirectoryStorage(Path(target))
