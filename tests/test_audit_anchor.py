"""Anchors of the audit trail outside the database (issue 14's "proof the trail is whole").

Found: as the superuser, deleting the newest entries of a lane and rolling its chain head back
passed `oxkair audit verify`, because the head lives in the same database. Each tampering below is
done in the test's transaction (rolled back), as the superuser with the append-only guard off."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest
from psycopg import Connection

from oxkair.audit.anchor import check_anchors, write_anchor
from oxkair.ops.storage import DirectoryStorage
from tests.fixtures.data import make_institution
from tests.fixtures.supabase import oxkair

KEY = os.urandom(32)


def _chain_problems(su: Connection[Any]) -> list[str]:
    return [str(r[0]) for r in su.execute("SELECT problem FROM audit.verify_chain()")]


def _my_lane(su: Connection[Any]) -> tuple[int, int]:
    """This backend's lane and its head after writing a few entries of its own."""
    for _ in range(4):
        make_institution(su)
    row = su.execute("SELECT lane, seq FROM audit.chain_head WHERE lane = pg_backend_pid() % 8").fetchone()
    assert row and row[1] >= 4
    return int(row[0]), int(row[1])


@pytest.fixture()
def anchored(su: Connection[Any], tmp_path: Path) -> tuple[DirectoryStorage, int, int]:
    lane, head = _my_lane(su)
    storage = DirectoryStorage(tmp_path / "anchors")
    write_anchor(su, storage, KEY, "test")
    make_institution(su)  # the trail goes on after the anchor
    assert check_anchors(su, storage, KEY).problems == [] and _chain_problems(su) == []
    su.execute("ALTER TABLE audit.log DISABLE TRIGGER USER")  # the attacker: superuser
    return storage, lane, head


def _rollback_head_to(su: Connection[Any], lane: int, seq: int) -> None:
    su.execute("DELETE FROM audit.log WHERE lane = %s AND seq > %s", [lane, seq])
    su.execute("UPDATE audit.chain_head h SET seq = l.seq, hash = l.hash FROM audit.log l"
               " WHERE h.lane = %s AND l.lane = h.lane AND l.seq = %s", [lane, seq])


def test_a_truncated_tail_with_its_head_rolled_back_is_caught(su: Connection[Any], anchored: Any) -> None:
    storage, lane, head = anchored
    _rollback_head_to(su, lane, head - 2)
    assert _chain_problems(su) == []  # the chain alone cannot tell: the probe's finding
    problems = check_anchors(su, storage, KEY).problems
    assert len(problems) == 1 and f"lane {lane} entry {head} is gone" in problems[0]


def test_a_deleted_middle_entry_is_caught(su: Connection[Any], anchored: Any) -> None:
    storage, lane, head = anchored
    su.execute("DELETE FROM audit.log WHERE lane = %s AND seq = %s", [lane, head - 1])
    assert any("missing" in p for p in _chain_problems(su))
    assert check_anchors(su, storage, KEY).problems == []  # the anchored entry itself is still there


def test_an_edited_entry_is_caught_even_with_its_hash_recomputed(su: Connection[Any], anchored: Any) -> None:
    storage, lane, head = anchored
    su.execute("UPDATE audit.log SET detail = '{\"edited\": true}' WHERE lane = %s AND seq = %s",
               [lane, head])
    assert any("altered" in p for p in _chain_problems(su))
    # A careful forger recomputes the entry's hash, the next links and the head: the chain verifies
    # again, and only the anchor still knows the old hash.
    su.execute("""
        WITH RECURSIVE fixed AS (
          SELECT l.lane, l.seq, audit.entry_hash(l.prev_hash, l.lane, l.seq, l.at, l.txid, l.actor_user_id,
                 l.db_role, l.session_role, l.client_addr, l.action, l.table_name, l.row_id, l.old_values,
                 l.new_values, l.detail) AS hash
            FROM audit.log l WHERE l.lane = %(lane)s AND l.seq = %(seq)s)
        UPDATE audit.log l SET hash = f.hash FROM fixed f WHERE l.lane = f.lane AND l.seq = f.seq""",
               {"lane": lane, "seq": head})
    _rollback_head_to(su, lane, head)  # deletes the later entries, sets the head to the forged one
    assert _chain_problems(su) == []
    problems = check_anchors(su, storage, KEY).problems
    assert any(f"lane {lane} entry {head} has another hash" in p for p in problems)


def test_a_forged_or_edited_anchor_is_refused(su: Connection[Any], anchored: Any) -> None:
    storage, lane, head = anchored
    name = next(n for n in storage.names() if n.startswith("audit-anchor-"))
    doc = json.loads(storage.get_text(name))
    doc["heads"] = [h for h in doc["heads"] if h["lane"] != lane]  # hide the lane about to be cut
    storage.put_text(name, json.dumps(doc))
    assert any("MAC does not match" in p for p in check_anchors(su, storage, KEY).problems)
    assert any("MAC does not match" in p for p in check_anchors(su, storage, os.urandom(32)).problems)


def test_the_cli_anchors_and_verifies(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {**cli_env, "OXKAIR_AUDIT_ANCHOR_KEY": base64.b64encode(KEY).decode()}
    where = str(tmp_path / "anchors")
    missing = oxkair(cli_env, "audit", "anchor", "--to", where, timeout=60)
    assert missing.returncode == 2 and "OXKAIR_AUDIT_ANCHOR_KEY" in missing.stderr
    assert oxkair(env, "audit", "verify", "--anchor", where, timeout=60).returncode == 1  # none yet
    done = oxkair(env, "audit", "anchor", "--to", where, timeout=60)
    assert done.returncode == 0 and "anchor written" in done.stdout, done.stderr
    ok = oxkair(env, "audit", "verify", "--anchor", where, timeout=60)
    assert ok.returncode == 0 and "anchored heads all on the chain" in ok.stdout, ok.stdout + ok.stderr
    anchor = next((tmp_path / "anchors").glob("audit-anchor-*.json"))
    anchor.write_text(anchor.read_text().replace('"seq": ', '"seq": 1'))
    bad = oxkair(env, "audit", "verify", "--anchor", where, timeout=60)
    assert bad.returncode == 1 and "MAC does not match" in bad.stdout


def test_a_backup_carries_an_anchor(cli_env: dict[str, str], backup_key_text: str, tmp_path: Path) -> None:
    env = {**cli_env, "OXKAIR_BACKUP_KEY": backup_key_text,
           "OXKAIR_AUDIT_ANCHOR_KEY": base64.b64encode(KEY).decode()}
    where = str(tmp_path / "backups")
    done = oxkair(env, "backup", "create", "--to", where, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "audit anchor" in done.stdout and list((tmp_path / "backups").glob("audit-anchor-*.json"))
    listed = oxkair(env, "backup", "list", "--from", where, timeout=60)
    assert listed.returncode == 0 and "audit-anchor" not in listed.stdout  # not taken for a backup
    assert oxkair(env, "audit", "verify", "--anchor", where, timeout=60).returncode == 0
