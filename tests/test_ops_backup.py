"""Backups against the real embedded server: PHI behind forced RLS is in them, encrypted, verified."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest

from oxkair.config import Settings
from oxkair.errors import OxkairError
from oxkair.local import LocalServer
from oxkair.ops import backup as ops
from oxkair.ops.crypto import BackupKey, CorruptBackupError, WrongKeyError
from oxkair.ops.manifest import Manifest, list_tables, unreadable_tables
from oxkair.ops.storage import DirectoryStorage
from tests.fixtures.data import make_case, make_institution, make_user
from tests.fixtures.ops import backup_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def marker(server: LocalServer) -> str:
    """A committed case whose note text must reach the backup (and never appear in clear)."""
    text = f"backup-marker-{secrets.token_hex(8)}"
    with psycopg.connect(**server.superuser_conninfo()) as conn:
        institution = make_institution(conn)
        coder = make_user(conn, "Medical Coder", institution, email=f"{text}@example.org")
        make_case(conn, coder, notes=text)
    return text


@pytest.fixture(scope="module")
def made(server: LocalServer, backup_settings: Settings, backup_key: BackupKey, marker: str,
         tmp_path_factory: pytest.TempPathFactory) -> tuple[DirectoryStorage, Manifest]:
    storage = DirectoryStorage(tmp_path_factory.mktemp("backups"))
    return storage, ops.create_backup(backup_settings, storage, backup_key)


def _count(server: LocalServer, table: str) -> int:
    with psycopg.connect(**server.superuser_conninfo()) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - constant
        return int(row[0]) if row else 0


def test_manifest_describes_the_backup(made: tuple[DirectoryStorage, Manifest],
                                       backup_key: BackupKey) -> None:
    storage, manifest = made
    assert manifest.schema_version and "0010_baseline_backup_access" in manifest.migrations
    assert manifest.server_version.startswith("15")
    assert manifest.key_id == backup_key.key_id
    assert {"auth.users", "public.medical_notes", "audit.chain_head"} <= manifest.tables.keys()
    file = storage.path / f"{manifest.name}{ops.DUMP_SUFFIX}"
    import hashlib

    assert hashlib.sha256(file.read_bytes()).hexdigest() == manifest.file_sha256
    on_disk = Manifest.from_json((storage.path / f"{manifest.name}{ops.MANIFEST_SUFFIX}").read_text())
    on_disk.check_signature(backup_key)
    # Nothing beside the backup can decrypt it.
    text = "".join(p.read_text(errors="replace") for p in storage.path.iterdir())
    assert backup_key.key_id in text


def test_rows_behind_forced_rls_are_backed_up(server: LocalServer,
                                             made: tuple[DirectoryStorage, Manifest]) -> None:
    _, manifest = made
    assert manifest.tables["public.medical_notes"].rows >= 1
    assert manifest.tables["auth.users"].rows >= 1
    # The count is taken in the dump's snapshot; rows only grow in this test run.
    assert manifest.tables["public.medical_notes"].rows <= _count(server, "public.medical_notes")


def test_no_plaintext_in_the_encrypted_file(made: tuple[DirectoryStorage, Manifest], marker: str) -> None:
    storage, manifest = made
    blob = (storage.path / f"{manifest.name}{ops.DUMP_SUFFIX}").read_bytes()
    assert marker.encode() not in blob and b"PGDMP" not in blob
    assert marker not in (storage.path / f"{manifest.name}{ops.MANIFEST_SUFFIX}").read_text()


def test_verify_restores_and_matches(backup_settings: Settings, backup_key: BackupKey,
                                     made: tuple[DirectoryStorage, Manifest]) -> None:
    storage, manifest = made
    result = ops.verify_backup(backup_settings, storage, backup_key)
    assert result.problems == []
    assert result.tables == len(manifest.tables)
    assert result.rows == sum(t.rows for t in manifest.tables.values())


def test_restore_new_db_then_refuse_to_overwrite(server: LocalServer, backup_settings: Settings,
                                                 backup_key: BackupKey, marker: str,
                                                 made: tuple[DirectoryStorage, Manifest]) -> None:
    storage, manifest = made
    _, params = ops.restore_backup(backup_settings, storage, backup_key, "new-db")
    try:
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as su:
            su.execute(f"ALTER DATABASE {params['dbname']} OWNER TO oxkair_admin")
        restored = {**server.conninfo("oxkair_admin"), "dbname": params["dbname"]}
        with psycopg.connect(**restored) as conn:
            conn.execute("SET ROLE oxkair_backup")
            found = conn.execute("SELECT count(*) FROM public.medical_notes WHERE operative_notes = %s",
                                 [marker]).fetchone()
            assert found == (1,)
            # Safeguards come back too: forced RLS, the audit triggers and the intact chain.
            conn.execute("RESET ROLE")
            forced = conn.execute("SELECT relforcerowsecurity FROM pg_class"
                                  " WHERE oid = 'public.medical_notes'::regclass").fetchone()
            assert forced == (True,)
            conn.execute("SET ROLE oxkair_auditor")
            assert conn.execute("SELECT count(*) FROM audit.verify_chain()").fetchone() == (0,)
        dsn = psycopg.conninfo.make_conninfo(**restored)
        with pytest.raises(Exception, match="not empty"):
            ops.restore_backup(backup_settings, storage, backup_key, dsn)
        ops.restore_backup(backup_settings, storage, backup_key, dsn, force=True)
        assert ops.digest_database(restored, backup_key) == manifest.tables
    finally:
        ops.drop_database(backup_settings, str(params["dbname"]))


def test_restore_into_an_empty_database_by_dsn(backup_settings: Settings, backup_key: BackupKey,
                                               scratch_db: Any,
                                               made: tuple[DirectoryStorage, Manifest]) -> None:
    storage, manifest = made
    params = scratch_db()
    ops.restore_backup(backup_settings, storage, backup_key, psycopg.conninfo.make_conninfo(**params))
    assert ops.compare(manifest.tables, ops.digest_database(params, backup_key)) == []


def test_wrong_key_is_refused_before_anything(backup_settings: Settings,
                                              made: tuple[DirectoryStorage, Manifest]) -> None:
    storage, _ = made
    with pytest.raises(WrongKeyError, match="needs key"):
        ops.verify_backup(backup_settings, storage, BackupKey.from_setting(BackupKey.generate()))


def _copy_backup(storage: DirectoryStorage, manifest: Manifest, tmp_path: Path) -> DirectoryStorage:
    copy = DirectoryStorage(tmp_path / "copy")
    copy.path.mkdir()
    for suffix in (ops.DUMP_SUFFIX, ops.MANIFEST_SUFFIX):
        name = f"{manifest.name}{suffix}"
        (copy.path / name).write_bytes((storage.path / name).read_bytes())
    return copy


def test_corrupted_file_is_a_clear_error(backup_settings: Settings, backup_key: BackupKey, tmp_path: Path,
                                         made: tuple[DirectoryStorage, Manifest]) -> None:
    copy = _copy_backup(*made, tmp_path)
    file = copy.path / f"{made[1].name}{ops.DUMP_SUFFIX}"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(CorruptBackupError, match="sha256 does not match"):
        ops.verify_backup(backup_settings, copy, backup_key)


def test_tampered_manifest_is_detected(backup_settings: Settings, backup_key: BackupKey, tmp_path: Path,
                                       made: tuple[DirectoryStorage, Manifest]) -> None:
    copy = _copy_backup(*made, tmp_path)
    file = copy.path / f"{made[1].name}{ops.MANIFEST_SUFFIX}"
    data = json.loads(file.read_text())
    data["tables"]["public.medical_notes"]["rows"] += 1
    file.write_text(json.dumps(data))
    with pytest.raises(CorruptBackupError, match="manifest .* was altered"):
        ops.verify_backup(backup_settings, copy, backup_key)


def test_verify_reports_tables_that_differ(backup_settings: Settings, backup_key: BackupKey, tmp_path: Path,
                                           made: tuple[DirectoryStorage, Manifest]) -> None:
    """A manifest signed with the key but not matching the data (e.g. a dump of other data)."""
    copy = _copy_backup(*made, tmp_path)
    manifest = Manifest.from_json(copy.get_text(f"{made[1].name}{ops.MANIFEST_SUFFIX}"))
    manifest.tables["public.medical_notes"].rows += 1
    manifest.tables["auth.users"].content_hash = "0" * 64
    manifest.sign(backup_key)
    copy.put_text(f"{manifest.name}{ops.MANIFEST_SUFFIX}", manifest.to_json())
    result = ops.verify_backup(backup_settings, copy, backup_key)
    assert sorted(p.split(":")[0] for p in result.problems) == ["auth.users", "public.medical_notes"]


def test_a_table_the_backup_role_cannot_read_stops_the_backup(su: psycopg.Connection[Any]) -> None:
    su.execute("CREATE TABLE public.ops_test_secret (id int PRIMARY KEY)")
    su.execute("ALTER TABLE public.ops_test_secret ENABLE ROW LEVEL SECURITY")
    su.execute("GRANT SELECT ON public.ops_test_secret TO oxkair_backup")
    assert unreadable_tables(list_tables(su)) == ["public.ops_test_secret"]
    su.execute("CREATE POLICY \"Backups read every row\" ON public.ops_test_secret"
               " FOR SELECT TO oxkair_backup USING (true)")
    assert unreadable_tables(list_tables(su)) == []


def test_list_and_prune(backup_settings: Settings, made: tuple[DirectoryStorage, Manifest],
                        tmp_path: Path) -> None:
    copy = _copy_backup(*made, tmp_path)
    (copy.path / "oxkair-orphan.dump.enc").write_bytes(b"x")
    listed = ops.list_backups(copy)
    assert [b.problem for b in listed] == ["manifest missing", None]
    decision = ops.prune_backups(copy, ops.policy_from(backup_settings), dry_run=True)
    assert decision[made[1].name]  # the only backup is kept


# ───────────────────────────────────────────────────────────────── the CLI
def _oxkair(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(".venv/bin/oxkair").resolve()), *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_cli_create_list_verify_prune(cli_env: dict[str, str], backup_key_text: str, tmp_path: Path) -> None:
    env = backup_env(cli_env, backup_key_text)
    target = str(tmp_path / "cli-backups")
    created = _oxkair(env, "backup", "create", "--to", target)
    assert created.returncode == 0, created.stderr
    assert "written to" in created.stdout
    listed = _oxkair(env, "backup", "list", "--from", target, "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["complete"] is True
    verified = _oxkair(env, "backup", "verify", "--from", target)
    assert verified.returncode == 0, verified.stderr
    assert "verified" in verified.stdout
    pruned = _oxkair(env, "backup", "prune", "--from", target, "--dry-run")
    assert pruned.returncode == 0 and "latest" in pruned.stdout
    short = _oxkair({**env, "OXKAIR_BACKUP_KEEP_MONTHLY_YEARS": "1"}, "backup", "prune", "--from", target)
    assert short.returncode == 1 and "--allow-short-retention" in short.stderr


def test_cli_errors_are_one_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    no_key = _oxkair(cli_env, "backup", "create", "--to", str(tmp_path))
    assert no_key.returncode == 2 and "OXKAIR_BACKUP_KEY is not set" in no_key.stderr
    assert "Traceback" not in no_key.stderr
    wrong = _oxkair(backup_env(cli_env, BackupKey.generate()), "backup", "verify", "--from", str(tmp_path))
    assert wrong.returncode == 1 and "no backup found" in wrong.stderr


def test_cli_wrong_key(cli_env: dict[str, str], backup_key_text: str,
                       made: tuple[DirectoryStorage, Manifest]) -> None:
    storage, _ = made
    wrong = _oxkair(backup_env(cli_env, BackupKey.generate()), "backup", "verify", "--from",
                    str(storage.path))
    assert wrong.returncode == 1 and "wrong backup key" in wrong.stderr
    assert "Traceback" not in wrong.stderr and backup_key_text not in wrong.stderr


def test_backup_names_cannot_be_paths(made: tuple[DirectoryStorage, Manifest]) -> None:
    storage, manifest = made
    with pytest.raises(OxkairError, match="not a backup name"):
        ops.pick(storage, "../../etc/passwd")
    assert ops.pick(storage, manifest.name + ops.DUMP_SUFFIX).name == manifest.name
    assert oct((storage.path / f"{manifest.name}{ops.DUMP_SUFFIX}").stat().st_mode & 0o777) == "0o600"


@pytest.fixture(scope="module")
def other_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A second cluster (its own CA and roles), as a restore target on another server."""
    server = LocalServer(tmp_path_factory.mktemp("other") / ".oxkair")
    server.start()
    yield server
    server.destroy()


def test_restore_to_another_server_recreates_missing_roles(
        other_server: LocalServer, backup_settings: Settings, backup_key: BackupKey,
        made: tuple[DirectoryStorage, Manifest]) -> None:
    storage, manifest = made
    with psycopg.connect(**other_server.superuser_conninfo(), autocommit=True) as su:
        su.execute("DROP ROLE oxkair_backup")  # a cluster that never had it
    target = other_server.conninfo("oxkair_admin")
    ops.restore_backup(backup_settings, storage, backup_key, psycopg.conninfo.make_conninfo(**target))
    assert ops.compare(manifest.tables, ops.digest_database(target, backup_key)) == []
    with pytest.raises(OxkairError, match="not empty"):
        ops.restore_backup(backup_settings, storage, backup_key, psycopg.conninfo.make_conninfo(**target))


def test_cli_restore_new_db(cli_env: dict[str, str], backup_key_text: str, backup_settings: Settings,
                            made: tuple[DirectoryStorage, Manifest]) -> None:
    storage, manifest = made
    result = _oxkair(backup_env(cli_env, backup_key_text), "backup", "restore", "--to", "new-db",
                     "--from", str(storage.path), "--name", manifest.name)
    assert result.returncode == 0, result.stderr
    database = re.search(r"into database (\S+)", result.stdout)
    assert database, result.stdout
    ops.drop_database(backup_settings, database.group(1))


def test_upgrade_hook_opens_tables_of_later_migrations_to_backups(su: psycopg.Connection[Any]) -> None:
    """A migration numbered after 0030 adds a forced-RLS table: the post-apply hook covers it."""
    from oxkair.schema.runner import MIGRATIONS_DIR

    su.execute("SET ROLE oxkair_owner")
    su.execute("CREATE TABLE app.ops_later_table (id int PRIMARY KEY)")
    su.execute("ALTER TABLE app.ops_later_table ENABLE ROW LEVEL SECURITY")
    su.execute("ALTER TABLE app.ops_later_table FORCE ROW LEVEL SECURITY")
    su.execute("RESET ROLE")
    assert unreadable_tables(list_tables(su)) == ["app.ops_later_table"]
    su.execute("SET ROLE oxkair_owner")  # as the migration runner does
    su.execute((MIGRATIONS_DIR / "post-apply-backup-access.sql").read_text().encode())
    su.execute("RESET ROLE")
    assert unreadable_tables(list_tables(su)) == []


def _restore_databases(server: LocalServer) -> set[str]:
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as su:
        rows = su.execute("SELECT datname FROM pg_database WHERE datname LIKE 'oxkair_restore_%'")
        return {r[0] for r in rows}


def test_a_failed_restore_leaves_no_database_behind(server: LocalServer, backup_settings: Settings,
                                                    backup_key: BackupKey,
                                                    made: tuple[DirectoryStorage, Manifest],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the probe: a failed `restore --to new-db` left an empty oxkair_restore_* behind."""
    storage, _ = made
    before = _restore_databases(server)

    def fails(*args: Any, **kwargs: Any) -> None:  # pg_restore dying half-way, say
        raise OxkairError("pg_restore failed: simulated")

    monkeypatch.setattr(ops, "restore_into", fails)
    with pytest.raises(OxkairError, match="simulated"):
        ops.restore_backup(backup_settings, storage, backup_key, "new-db")
    assert _restore_databases(server) == before

    # When even the clean-up fails, the error names the database to drop.
    monkeypatch.setattr(ops, "drop_database", lambda settings, name: (_ for _ in ()).throw(
        OxkairError("cannot drop")))
    with pytest.raises(OxkairError, match=r"oxkair_restore_\d{8}_\d{6}.*drop it by hand") as caught:
        ops.restore_backup(backup_settings, storage, backup_key, "new-db")
    left = _restore_databases(server) - before
    assert left and all(name in str(caught.value) for name in left)
    monkeypatch.undo()
    for name in left:
        ops.drop_database(backup_settings, name)
