"""`oxkair serve --demo`: institutions, users of both categories and cases in every status; idempotent."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from psycopg import Connection

from oxkair.api.models import STATUSES
from oxkair.auth.outbox import render
from oxkair.auth.passwords import hash_password
from oxkair.auth.sessions import token_hash
from oxkair.config import Settings
from oxkair.db import as_end_user, connect
from oxkair.demo.names import institutions
from oxkair.target import admin_params, role_params

# Printed on purpose: demo data only, never production.
DEMO_PASSWORD = "oxkair-demo-password"  # noqa: S105
INSTITUTIONS = 1000
# Where the demo users work: fictional institutions on reserved .example domains, so no
# demo email can ever reach a real mailbox.
DEMO_SITES = [
    ("Riverside General Hospital", "riverside-general.example"),
    ("Saint Agnes Medical Center", "saint-agnes.example"),
    ("Hôpital Lakeview Régional", "lakeview-regional.example"),
]
NOTES = [
    "Laparoscopic cholecystectomy without complication; patient tolerated the procedure well.",
    "Right total knee arthroplasty; cemented components; no intraoperative complications.",
    "Admitted with community-acquired pneumonia; started on IV ceftriaxone and azithromycin.",
    "Appendectomy, open approach, for perforated appendicitis with localized peritonitis.",
    "Cardiac catheterization with drug-eluting stent to the proximal LAD.",
    "Discharged home in stable condition; follow up with primary care in one week.",
]
INSURERS = ["Aetna", "Blue Cross Blue Shield", "Cigna", "Medicare", "Medicaid", "UnitedHealthcare"]
STATUS_PLAN = list(STATUSES)  # the workflow, in order


@dataclass
class DemoReport:
    institutions_added: int = 0
    users_added: int = 0
    cases_added: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (email, category, institution)


def _institutions(admin: Connection[Any], extra: list[tuple[str, str]]) -> tuple[int, dict[str, UUID]]:
    """Insert the ones not there yet (by name), as the schema owner; return (added, name → id)."""
    wanted = [*extra, *institutions(INSTITUTIONS - len(extra))]
    with admin.transaction():
        admin.execute("SET LOCAL ROLE oxkair_owner")
        added = admin.execute(
            "INSERT INTO public.institutions (name, email_domains)"
            " SELECT d.name, ARRAY[d.domain] FROM unnest(%s::text[], %s::text[]) AS d (name, domain)"
            " WHERE NOT EXISTS (SELECT FROM public.institutions i WHERE i.name = d.name)",
            [[n for n, _ in wanted], [d for _, d in wanted]],
        ).rowcount
        ids = {
            str(r[0]): UUID(str(r[1]))
            for r in admin.execute(
                "SELECT i.name, i.id FROM public.institutions i WHERE i.name = ANY(%s)",
                [[name for name, _ in extra]],
            )
        }
    return added, ids


def _user(api: Connection[Any], settings: Settings, email: str, first: str, last: str, category: str,
          institution_id: UUID) -> tuple[UUID, bool]:
    """The user's id, signing them up and verifying their email the first time (as oxkair_anon,
    through the same SECURITY DEFINER functions as the API)."""
    with as_end_user(api, None):
        row = api.execute("SELECT user_id FROM auth.login_lookup(%s)", [email]).fetchone()
        if row and row[0]:
            return UUID(str(row[0])), False
        token = secrets.token_urlsafe(32)
        new, existing = render("verify", settings, token=token), render("signup_existing", settings)
        api.execute(
            "SELECT auth.signup(%s, %s, %s, %s, %s, %s, NULL, NULL, %s, %s, %s, %s, %s, %s)",
            [email, hash_password(DEMO_PASSWORD), first, last, category, institution_id, token_hash(token),
             settings.oxkair_email_token_ttl, new.subject, new.body, existing.subject, existing.body],
        )
        api.execute("SELECT auth.verify_email(%s)", [token_hash(token)])
        row = api.execute("SELECT user_id FROM auth.login_lookup(%s)", [email]).fetchone()
    assert row and row[0]
    return UUID(str(row[0])), True


def _claims(user_id: UUID) -> dict[str, Any]:
    return {"sub": str(user_id), "role": "authenticated", "aud": "authenticated"}


def _cases(api: Connection[Any], coder: UUID, providers: list[UUID], rng: random.Random) -> int:
    """Two cases in each status, made and moved by the coder and provider themselves (RLS applies)."""
    with as_end_user(api, _claims(coder)):
        row = api.execute("SELECT count(*) FROM public.medical_notes WHERE user_id = auth.uid()").fetchone()
        if row and row[0]:
            return 0
    made = 0
    for target in STATUS_PLAN * 2:
        provider = rng.choice(providers)
        with as_end_user(api, _claims(coder)):
            row = api.execute(
                "INSERT INTO public.medical_notes (user_id, case_number, mrn, date_of_service,"
                " insurance_provider, operative_notes, billable_notes, panel_data, workflow_status)"
                " VALUES (auth.uid(), public.next_case_number(), %s, now() - make_interval(days => %s),"
                " %s, %s, %s, %s::jsonb, 'processing') RETURNING id",
                [f"MRN{rng.randint(1_000_000, 9_999_999)}", rng.randint(1, 60), rng.choice(INSURERS),
                 rng.choice(NOTES), [f"{rng.randint(10000, 99999)}"], '{"codes": []}'],
            ).fetchone()
            assert row
            case_id = row[0]
            steps = STATUS_PLAN[1:STATUS_PLAN.index(target) + 1]
            for status in steps[:2]:
                api.execute(
                    "UPDATE public.medical_notes SET status = %s, provider_user_id = %s WHERE id = %s",
                    [status, provider if status == "PENDING_PROVIDER_REVIEW" else None, case_id],
                )
        if target == "PENDING_BILLING":
            with as_end_user(api, _claims(provider)):
                api.execute("UPDATE public.medical_notes SET status = 'PENDING_BILLING',"
                            " final_processed_data = '{\"approved\": true}' WHERE id = %s", [case_id])
        made += 1
    return made


def load_demo(settings: Settings) -> DemoReport:
    """Load (or complete) the demo data set; a second run adds nothing."""
    report = DemoReport()
    rng = random.Random(5)  # noqa: S311 - reproducible demo data, not secrets
    with connect(admin_params(settings), autocommit=True) as admin:
        report.institutions_added, site_ids = _institutions(admin, DEMO_SITES)
    with connect(role_params(settings, "oxkair_api"), autocommit=True) as api:
        for index, (site, domain) in enumerate(DEMO_SITES):
            people: dict[str, list[UUID]] = {"Medical Coder": [], "Provider": []}
            for category, local, names in (
                ("Medical Coder", "coder", [("Casey", "Morgan"), ("Jordan", "Lee")]),
                ("Provider", "provider", [("Dr. Avery", "Patel"), ("Dr. Sam", "Okafor")]),
            ):
                for n, (first, last) in enumerate(names, start=1):
                    email = f"{local}{'' if n == 1 else n}@{domain}"
                    user_id, added = _user(api, settings, email, first, last, category, site_ids[site])
                    people[category].append(user_id)
                    report.users_added += added
                    if n == 1 and index == 0:
                        report.logins.append((email, category, site))
            for coder in people["Medical Coder"]:
                report.cases_added += _cases(api, coder, people["Provider"], rng)
    return report
