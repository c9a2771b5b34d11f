"""The migrations build exactly what the pre-release chain built (issue 16): two databases in the
test cluster, one from tests/fixtures/schema_chain_v0, one from src/oxkair/schema/migrations,
compared by pg_dump --schema-only (normalised) and by the catalog's policies, grants, triggers,
functions, constraints and indexes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from oxkair.local import LocalServer
from oxkair.schema.current import current_schema
from oxkair.schema.runner import BASELINE_MARK, MIGRATIONS_DIR, OLD_CHAIN_IDS, upgrade

CHAIN_V0 = Path(__file__).resolve().parent / "fixtures" / "schema_chain_v0"
APP = ("n.nspname NOT IN ('pg_catalog', 'information_schema', 'oxkair_meta')"
       " AND n.nspname NOT LIKE 'pg_toast%'")

# What the catalog says about every application object, in a form that does not depend on oids.
# ACLs as sorted lists: the order of their items is the order the grants ran in, not a rule.


def _acl(column: str) -> str:
    return f"(SELECT coalesce(string_agg(x::text, ',' ORDER BY x::text), '') FROM unnest({column}) x)"


CATALOG: dict[str, str] = {
    "policies": """SELECT schemaname, tablename, policyname, permissive, roles::text, cmd,
                          coalesce(qual, ''), coalesce(with_check, '')
                     FROM pg_catalog.pg_policies
                    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')""",
    "relations": f"""SELECT n.nspname, c.relname, c.relkind, pg_catalog.pg_get_userbyid(c.relowner),
                            {_acl('c.relacl')}, c.relrowsecurity, c.relforcerowsecurity,
                            coalesce(c.reloptions::text, ''), c.relispartition
                       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                      WHERE {APP}""",
    "columns": f"""SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
                          a.attnotnull, coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid), ''),
                          {_acl('a.attacl')}, a.attcompression, a.attgenerated, a.attidentity
                     FROM pg_catalog.pg_attribute a
                     JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                    WHERE {APP} AND a.attnum > 0 AND NOT a.attisdropped""",
    "functions": f"""SELECT n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),
                            pg_catalog.pg_get_userbyid(p.proowner), {_acl('p.proacl')},
                            p.prosecdef, p.provolatile, coalesce(p.proconfig::text, ''),
                            CASE WHEN p.prokind IN ('f', 'p', 'w')
                                 THEN pg_catalog.pg_get_functiondef(p.oid) ELSE p.prokind::text END
                       FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                      WHERE {APP}""",
    "triggers": f"""SELECT n.nspname, c.relname, t.tgname, pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled,
                           pg_catalog.pg_get_functiondef(t.tgfoid)
                      FROM pg_catalog.pg_trigger t
                      JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
                      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE {APP} AND NOT t.tgisinternal""",
    "constraints": f"""SELECT n.nspname, c.relname, k.conname, k.contype,
                                 pg_catalog.pg_get_constraintdef(k.oid)
                         FROM pg_catalog.pg_constraint k
                         JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
                         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                        WHERE {APP}""",
    "indexes": """SELECT schemaname, tablename, indexname, indexdef FROM pg_catalog.pg_indexes
                   WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'oxkair_meta')""",
    "schemas": f"""SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner), {_acl('n.nspacl')}
                     FROM pg_catalog.pg_namespace n WHERE {APP}""",
    "types": f"""SELECT n.nspname, t.typname, t.typtype, pg_catalog.pg_get_userbyid(t.typowner),
                        {_acl('t.typacl')},
                        coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                                    FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '')
                   FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                  WHERE {APP} AND t.typtype IN ('e', 'd', 'c')
                    AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c
                                     WHERE c.oid = t.typrelid AND c.relkind <> 'c')""",
    "default_privileges": f"""SELECT pg_catalog.pg_get_userbyid(d.defaclrole), coalesce(n.nspname, ''),
                                    d.defaclobjtype, {_acl('d.defaclacl')}
                               FROM pg_catalog.pg_default_acl d
                               LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace""",
    "extensions": """SELECT e.extname, n.nspname FROM pg_catalog.pg_extension e
                       JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace""",
    "comments": """SELECT d.classoid::regclass::text,
                          pg_catalog.pg_describe_object(d.classoid, d.objoid, d.objsubid),
                          d.description FROM pg_catalog.pg_description d
                    WHERE d.classoid <> 'pg_catalog.pg_proc'::regclass OR d.objoid >= 16384""",
    "sequences": """SELECT schemaname, sequencename, start_value, increment_by, last_value
                      FROM pg_catalog.pg_sequences""",
    # Rows the migrations seed (chain_head genesis rows and the like): tables that are not empty
    # right after building, with their row count.
    "seeded": f"""SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
                    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                   WHERE {APP} AND c.relkind IN ('r', 'p')""",
}

MAY_BE_EMPTY = {"types"}  # the schema uses CHECK constraints, no enum or domain (yet)


def _catalog(params: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with psycopg.connect(**params) as conn:
        for name, query in CATALOG.items():
            rows = conn.execute(query).fetchall()  # type: ignore[arg-type]
            if name == "seeded":
                rows = [(s, t, conn.execute(
                    sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(s), sql.Identifier(t))
                ).fetchone()) for s, t in rows]
            out[name] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


def _built_database(server: LocalServer, name: str, migrations_dir: Path) -> dict[str, Any]:
    admin = server.superuser_conninfo()
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER oxkair_admin").format(sql.Identifier(name)))
    params = {**admin, "dbname": name}
    upgrade(params, migrations_dir)
    return params


def old_chain_with_later_migrations(into: Path) -> Path:
    """The old chain, then the migrations written after the baseline (neither in the old chain
    nor baseline files): what a database carried over from the old chain ends up with."""
    import shutil

    shutil.copytree(CHAIN_V0, into)
    for path in sorted(MIGRATIONS_DIR.glob("0*.sql")):
        if path.stem not in OLD_CHAIN_IDS and BASELINE_MARK not in path.stem:
            shutil.copy(path, into / path.name)
    return into


@pytest.fixture(scope="module")
def built(server: LocalServer, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    names = ("oxkair_chain_v0", "oxkair_baseline")
    old = old_chain_with_later_migrations(tmp_path_factory.mktemp("chain") / "old")
    try:
        yield (_built_database(server, names[0], old),
               _built_database(server, names[1], MIGRATIONS_DIR))
    finally:
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            for name in names:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.slow
def test_the_baseline_dumps_like_the_old_chain(built: tuple[dict[str, Any], dict[str, Any]]) -> None:
    chain, baseline = (current_schema(p).splitlines() for p in built)
    assert chain == baseline


@pytest.fixture(scope="module")
def catalogs(built: tuple[dict[str, Any], dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    return _catalog(built[0]), _catalog(built[1])


@pytest.mark.slow
@pytest.mark.parametrize("aspect", sorted(CATALOG))
def test_the_baseline_catalog_is_the_old_chain_s(
        catalogs: tuple[dict[str, Any], dict[str, Any]], aspect: str) -> None:
    chain, baseline = (c[aspect] for c in catalogs)
    assert chain or aspect in MAY_BE_EMPTY, f"no {aspect} at all: the query is wrong"
    only_chain = sorted(set(chain) - set(baseline))
    only_baseline = sorted(set(baseline) - set(chain))
    assert (only_chain, only_baseline) == ([], []), f"{aspect} differ (old chain, baseline)"


@pytest.mark.slow
def test_the_comparison_sees_a_changed_policy_grant_and_trigger(
        server: LocalServer, built: tuple[dict[str, Any], dict[str, Any]],
        catalogs: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path) -> None:
    """A baseline that loosened one rule would fail the tests above: the comparison is not blind."""
    import shutil

    changed = tmp_path / "changed"
    shutil.copytree(CHAIN_V0, changed)
    (changed / "0059_loosen.sql").write_text(
        "ALTER POLICY \"Users read their own settings\" ON public.user_settings USING (true);\n"
        "GRANT SELECT ON public.institutions TO oxkair_anon;\n"
        "ALTER TABLE public.medical_notes DISABLE TRIGGER tg_medical_notes__check_invariants;\n")
    name = "oxkair_changed"
    try:
        params = _built_database(server, name, changed)
        after = _catalog(params)
        for aspect in ("policies", "relations", "triggers"):
            assert set(after[aspect]) != set(catalogs[0][aspect]), aspect
        assert current_schema(params) != current_schema(built[0])
    finally:
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
