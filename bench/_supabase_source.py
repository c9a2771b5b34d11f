"""A Supabase-shaped source database (GoTrue auth + the old public schema), clean or with every
dirty case: built by the data-migration tests and by bench/migrate.py (benches import nothing
from tests, so it lives here; tests/fixtures/supabase.py adds the pytest fixtures)."""

from __future__ import annotations

import itertools
import json
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import bcrypt
import psycopg
from psycopg import sql

from oxkair.local import LocalServer

SCHEMA_SQL = Path(__file__).with_name("supabase_schema.sql")
PASSWORD = "correct horse battery staple"  # noqa: S105 (fixture data) — the password of every clean fixture user
_seq = itertools.count(1)


def go_bcrypt(password: str) -> str:
    """A hash as GoTrue writes it: bcrypt cost 10, `$2a$` prefix."""
    return "$2a$" + bcrypt.hashpw(password.encode(), bcrypt.gensalt(10)).decode()[4:]


@dataclass
class Source:
    """A source database and what the tests need to know about it."""

    dbname: str
    role: str
    password: str
    port: int
    ca: str
    ids: dict[str, Any] = field(default_factory=dict)  # named dirty cases → ids
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return (f"postgresql://{self.role}:{quote(self.password, safe='')}@127.0.0.1:{self.port}/"
                f"{self.dbname}?sslmode=verify-full&sslrootcert={quote(self.ca)}")

    def connect(self, **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url, **kwargs)


def create_source(server: LocalServer, *, notes: int = 60, users_per_group: int = 4,
                  note_bytes: int = 1200, dirty: bool = True, name: str | None = None) -> Source:
    """Create a new database in the cluster, owned by a new non-superuser login, and fill it."""
    n = next(_seq)
    tag = secrets.token_hex(3)
    dbname = name or f"supabase_src_{tag}_{n}"
    role = f"{dbname}_owner"
    password = secrets.token_urlsafe(16)
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as su:
        su.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(password)))
        su.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(dbname), sql.Identifier(role)))
    src = Source(dbname, role, password, server.port, str(server.ca_cert))
    with src.connect() as conn:
        conn.execute(SCHEMA_SQL.read_text())
        _fill(conn, src, tag, notes, users_per_group, note_bytes, dirty)
    return src


def drop_database(server: LocalServer, dbname: str, role: str | None = None) -> None:
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as su:
        su.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        if role:
            su.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


INSTITUTIONS = ["Mayo Clinic", "Cleveland Clinic", "General Hospital"]


def _fill(conn: psycopg.Connection[Any], src: Source, tag: str, notes: int, m: int,
          note_bytes: int, dirty: bool) -> None:
    insts = [uuid.uuid4() for _ in INSTITUTIONS]
    conn.execute("INSERT INTO public.institutions (id, name, created_at) "
                 "SELECT * FROM unnest(%s::uuid[], %s::text[], %s::timestamptz[])",
                 [insts, INSTITUTIONS, ["2024-01-02T03:04:05Z"] * len(insts)])
    src.ids["institutions"] = dict(zip(INSTITUTIONS, insts, strict=True))
    good_hash = go_bcrypt(PASSWORD)
    # Clean users: per institution, m coders and m providers.
    coders: list[uuid.UUID] = []
    providers: list[uuid.UUID] = []
    for k, inst in enumerate(insts):
        for category, bucket in (("Medical Coder", coders), ("Provider", providers)):
            for j in range(m):
                uid = uuid.uuid4()
                bucket.append(uid)
                email = f"{'coder' if category == 'Medical Coder' else 'provider'}{k}.{j}@{tag}.example.org"
                _user(conn, uid, email, good_hash)
                affiliated = INSTITUTIONS[k] if j % 2 == 0 else None
                _profile(conn, uid, "Pat", f"Clean{k}{j}", category, inst, affiliated)
                conn.execute("INSERT INTO public.user_settings (id, theme) VALUES (%s, %s)",
                             [uid, "dark" if j % 2 else "light"])
    src.ids["coders"], src.ids["providers"] = coders, providers
    src.ids["login_user"] = (coders[0], f"coder0.0@{tag}.example.org")
    _bulk_notes(conn, notes, insts, coders, providers, m, note_bytes, tag)
    _removed_tables(conn, coders)
    if dirty:
        _dirty(conn, src, tag, insts, coders, providers, good_hash)
    for table in ("public.institutions", "auth.users", "public.profiles", "public.user_settings",
                  "public.medical_notes"):
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 (constant)
        assert row
        src.counts[table] = int(row[0])


def _user(conn: psycopg.Connection[Any], uid: uuid.UUID, email: str | None, pw: str | None, *,
          provider: str = "email", **extra: Any) -> None:
    cols = {"instance_id": uuid.UUID(int=0), "id": uid, "aud": "authenticated", "role": "authenticated",
            "email": email, "encrypted_password": pw,
            "email_confirmed_at": "2024-02-01T10:00:00Z", "created_at": "2024-01-15T09:00:00Z",
            "updated_at": "2024-03-01T12:00:00Z", "last_sign_in_at": "2025-06-01T08:30:00Z",
            "raw_app_meta_data": json.dumps({"provider": provider, "providers": [provider]}),
            "raw_user_meta_data": json.dumps({"full_name": "Pat Example"}),
            "confirmation_token": "", "recovery_token": "", "email_change_token_new": "",
            "email_change": "", "is_super_admin": False, **extra}
    conn.execute(
        sql.SQL("INSERT INTO auth.users ({}) VALUES ({})").format(
            sql.SQL(", ").join(map(sql.Identifier, cols)), sql.SQL(", ").join(sql.Placeholder() * len(cols))),
        list(cols.values()))
    if email is not None:
        conn.execute(
            "INSERT INTO auth.identities (provider_id, user_id, identity_data, provider, created_at)"
            " VALUES (%s, %s, %s, %s, '2024-01-15T09:00:00Z')",
            [str(uid) if provider == "email" else f"g-{uid.hex[:12]}", uid,
             json.dumps({"sub": str(uid), "email": email, "email_verified": True}), provider])


def _profile(conn: psycopg.Connection[Any], uid: uuid.UUID, first: str | None, last: str | None,
             category: str | None, inst: uuid.UUID | None, affiliated: str | None) -> None:
    conn.execute(
        "INSERT INTO public.profiles (id, first_name, last_name, name, user_category, npi,"
        " institution_id, affiliated_institution, created_at, updated_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '2024-01-15T09:00:00Z', '2024-04-01T00:00:00Z')",
        [uid, first, last, " ".join(n for n in (first, last) if n) or None, category, "1234567893", inst,
         affiliated])


def _bulk_notes(conn: psycopg.Connection[Any], notes: int, insts: list[uuid.UUID], coders: list[uuid.UUID],
                providers: list[uuid.UUID], m: int, note_bytes: int, tag: str) -> None:
    """`notes` clean cases, set-based; about note_bytes of text over six note fields."""
    words = max(1, note_bytes // 6 // 33)
    conn.execute(
        """
        INSERT INTO public.medical_notes (id, user_id, title, content, mrn, date_of_service,
          insurance_provider, status, created_at, updated_at, tags, source, operative_notes,
          admission_notes, discharge_notes, pathology_notes, progress_notes, bedside_notes,
          billable_notes, ai_raw_output, panel_data, final_processed_data, summary_data,
          workflow_status, case_number, provider_user_id, institution_id)
        SELECT gen_random_uuid(), c.coder, 'Case ' || g, 'legacy content ' || g, 'MRN' || g,
          timestamptz '2025-01-01' + g * interval '1 minute', 'Aetna',
          s.status, timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second',
          timestamptz '2025-02-01 00:00:00+00' + g * interval '1 second',
          ARRAY['ortho', 'tag' || (g %% 7)], 'upload',
          t.txt || ' operative', t.txt || ' admission', t.txt || ' discharge', t.txt || ' pathology',
          t.txt || ' progress', t.txt || ' bedside',
          ARRAY['99213', '2700' || (g %% 10)],
          jsonb_build_object('model', 'coder-v2', 'codes', jsonb_build_array('M17.11', 'Z96.651'),
                             'confidence', 0.93, 'n', g),
          jsonb_build_object('panels', jsonb_build_array(jsonb_build_object('id', g %% 5, 'open', true))),
          CASE WHEN s.status = 'PENDING_BILLING' THEN jsonb_build_object('cpt', '27447') END,
          jsonb_build_object('summary', 'Total knee arthroplasty, right'),
          'processing', %(tag)s || '-CASE-' || lpad(g::text, 8, '0'),
          CASE WHEN s.status IN ('PENDING_PROVIDER_REVIEW', 'PENDING_BILLING') OR g %% 4 = 1
               THEN (%(providers)s::uuid[])[(g %% 3) * %(m)s + (g / 3) %% %(m)s + 1] END,
          CASE WHEN g %% 5 = 0 THEN NULL ELSE (%(insts)s::uuid[])[(g %% 3) + 1] END
        FROM generate_series(1, %(n)s) AS g
        CROSS JOIN LATERAL (SELECT (%(coders)s::uuid[])[(g %% 3) * %(m)s + (g / 7) %% %(m)s + 1] AS coder) c
        CROSS JOIN LATERAL (SELECT (ARRAY['INCOMPLETE', 'PENDING_CODER_REVIEW', 'PENDING_PROVIDER_REVIEW',
                                         'PENDING_BILLING', NULL])[(g %% 5) + 1] AS status) s
        CROSS JOIN LATERAL (SELECT string_agg(md5(g::text || ':' || w), ' ') AS txt
                              FROM generate_series(1, %(words)s) AS w) t
        """,
        {"n": notes, "m": m, "coders": coders, "providers": providers, "insts": insts,
         "words": words, "tag": tag},
    )


def _removed_tables(conn: psycopg.Connection[Any], coders: list[uuid.UUID]) -> None:
    conn.execute("INSERT INTO public.attestations (note_id, user_id, statement)"
                 " SELECT id, user_id, 'I attest' FROM public.medical_notes LIMIT 5")
    conn.execute("INSERT INTO public.audit_trail (note_id, user_id, action, details)"
                 " SELECT id, user_id, 'VIEW', '{\"ip\": \"10.0.0.1\"}' FROM public.medical_notes LIMIT 7")
    conn.execute("INSERT INTO public.panel_flags (note_id, flag)"
                 " SELECT id, 'needs review' FROM public.medical_notes LIMIT 3")
    conn.execute("INSERT INTO public.panel_submissions (note_id, submitted_by, payload)"
                 " SELECT id, user_id, '{\"a\": 1}' FROM public.medical_notes LIMIT 4")
    conn.execute("INSERT INTO auth.sessions (id, user_id) VALUES (gen_random_uuid(), %s)", [coders[0]])


def _dirty(conn: psycopg.Connection[Any], src: Source, tag: str, insts: list[uuid.UUID],
           coders: list[uuid.UUID], providers: list[uuid.UUID], good_hash: str) -> None:
    """Every dirty case of the issue, each under a name the tests look up."""
    ids: dict[str, Any] = {}

    def user(key: str, email: str | None, pw: str | None, **extra: Any) -> uuid.UUID:
        uid = uuid.uuid4()
        ids[key] = uid
        _user(conn, uid, email, pw, **extra)
        return uid

    mayo, cleveland, general = insts
    # Users: OAuth-only, hash formats, case-insensitive duplicates, no email, deleted, banned.
    oauth = user("oauth_user", f"oauth@{tag}.example.org", "", provider="google")
    sso = user("sso_null_pw", f"sso@{tag}.example.org", None, provider="sso:okta", is_sso_user=True)
    dup_a = user("dup_a", f"Dup.Person@{tag}.example.org", good_hash)
    dup_b = user("dup_b", f"dup.person@{tag}.example.org", good_hash)
    fb = user("fbscrypt", f"firebase@{tag}.example.org",
              "$fbscrypt$v=1,n=14,r=8,p=1,ss=Bw==,sk=ZmFrZQ==$c2FsdA==$aGFzaA==")
    env = user("envelope", f"envelope@{tag}.example.org",
               json.dumps({"key_id": "k1", "alg": "aes-gcm-hkdf", "data": "AAAA", "nonce": "BBBB"}))
    argon = user("argon2", f"argon@{tag}.example.org",
                 "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
    y2 = user("bcrypt_2y", f"twoy@{tag}.example.org", "$2y$" + good_hash[4:])
    anon = user("anonymous", None, None, is_anonymous=True)
    deleted = user("deleted", f"gone@{tag}.example.org", good_hash, deleted_at="2025-05-05T05:05:05Z")
    banned = user("banned", f"banned@{tag}.example.org", good_hash, banned_until="2999-01-01T00:00:00Z")
    for uid in (oauth, sso, fb, env, argon, y2, deleted, banned):
        _profile(conn, uid, "Ok", "User", "Medical Coder", mayo, None)
        conn.execute("INSERT INTO public.user_settings (id) VALUES (%s)", [uid])
    for uid in (dup_a, dup_b, anon):
        _profile(conn, uid, "Dup", None, "Medical Coder", mayo, None)
        conn.execute("INSERT INTO public.user_settings (id) VALUES (%s)", [uid])

    # Profiles: linking by affiliated_institution, conflicts, orphans, bad categories.
    def profile(key: str, category: str | None, inst: uuid.UUID | None, affiliated: str | None,
                with_user: bool = True) -> uuid.UUID:
        uid = uuid.uuid4()
        ids[key] = uid
        if with_user:
            _user(conn, uid, f"{key.replace('_', '-')}@{tag}.example.org", good_hash)
        _profile(conn, uid, "Link", key, category, inst, affiliated)
        return uid

    profile("link_by_name", "Medical Coder", None, "  mayo   CLINIC ")
    conn.execute("INSERT INTO public.institutions (id, name) VALUES (%s, %s), (%s, %s)",
                 [uuid.uuid4(), "St. Mary's Hospital", uuid.uuid4(), "st. mary's  hospital"])
    profile("ambiguous_affiliation", "Provider", None, "St. Mary's Hospital")
    profile("unknown_affiliation", "Provider", None, "Hospital of Nowhere")
    profile("conflicting_affiliation", "Provider", mayo, "Cleveland Clinic")
    profile("orphan_institution", "Medical Coder", uuid.uuid4(), None)
    profile("bad_category", "Administrator", general, None)
    profile("orphan_profile", "Medical Coder", general, None, with_user=False)
    profile("no_institution", None, None, None)
    # Display names: shown with neither first nor last name (kept whole), and one the first and
    # last names cannot rebuild (quarantined with that reason rather than shown differently).
    for key, first, last, shown in (("name_only", None, None, "Dr. Avery Quinn-Ross"),
                                    ("name_mismatch", "Jo", "Smith", "Joanna Smith")):
        uid = uuid.uuid4()
        ids[key] = uid
        _user(conn, uid, f"{key.replace('_', '-')}@{tag}.example.org", good_hash)
        conn.execute("INSERT INTO public.profiles (id, first_name, last_name, name, user_category,"
                     " institution_id) VALUES (%s, %s, %s, %s, 'Provider', %s)",
                     [uid, first, last, shown, mayo])
    orphan_settings = uuid.uuid4()
    ids["orphan_settings"] = orphan_settings
    conn.execute("INSERT INTO public.user_settings (id, theme) VALUES (%s, 'dark')", [orphan_settings])

    # Cases: statuses, case numbers, orphans, invariants, cascades.
    def note(key: str, user_id: uuid.UUID, *, status: str | None = "INCOMPLETE",
             case_number: str | None = "auto", provider: uuid.UUID | None = None,
             inst: uuid.UUID | None = None) -> uuid.UUID:
        nid = uuid.uuid4()
        ids[key] = nid
        number = f"{tag}-DIRTY-{key}" if case_number == "auto" else case_number
        conn.execute(
            "INSERT INTO public.medical_notes (id, user_id, title, content, tags, source, mrn, status,"
            " case_number, provider_user_id, institution_id, operative_notes, created_at, updated_at)"
            " VALUES (%s, %s, 'T', 'C', ARRAY['x'], 'upload', 'MRN-D', %s, %s, %s, %s, 'op note',"
            " '2025-03-03T03:03:03Z', '2025-03-04T03:03:03Z')",
            [nid, user_id, status, number, provider, inst])
        return nid

    mayo_coder, mayo_provider, cleveland_provider = coders[0], providers[0], providers[len(providers) // 3]
    note("bad_status", mayo_coder, status="DRAFT", inst=mayo)
    note("missing_case_number", mayo_coder, case_number=None, inst=mayo)
    note("blank_case_number", mayo_coder, case_number="  ", inst=mayo)
    note("dup_case_1", mayo_coder, case_number=f"{tag}-DUP-1", inst=mayo)
    note("dup_case_2", coders[1], case_number=f"{tag}-DUP-1", inst=mayo)
    note("orphan_user", uuid.uuid4(), inst=mayo)
    note("orphan_provider", mayo_coder, provider=uuid.uuid4(), inst=mayo)
    note("orphan_note_institution", mayo_coder, inst=uuid.uuid4())
    note("provider_not_provider", mayo_coder, provider=coders[1], inst=mayo)
    note("provider_other_institution", mayo_coder, provider=cleveland_provider, inst=mayo)
    note("wrong_institution", mayo_coder, inst=cleveland)
    note("pending_without_provider", mayo_coder, status="PENDING_PROVIDER_REVIEW", inst=mayo)
    note("creator_quarantined", dup_a, inst=mayo)
    note("creator_profile_quarantined", ids["conflicting_affiliation"], inst=mayo)
    note("fills_institution", mayo_coder, inst=None, provider=mayo_provider, status="PENDING_PROVIDER_REVIEW")
    note("linked_creator", ids["link_by_name"], inst=mayo)
    note("deleted_user_case", deleted, inst=mayo)
    src.ids.update(ids)
    _ = (general, cleveland)
