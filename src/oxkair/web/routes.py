"""Page routes: each renders a template; the page's script calls the JSON API with the user's token."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from oxkair.api.models import STATUS_LABELS
from oxkair.api.problems import Problem

router = APIRouter(include_in_schema=False)

_STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class NavLink:
    """One link of the signed-in pages' header. `when` names a condition the script checks
    before showing it (e.g. an administrator's page); None: always shown."""

    href: str
    label: str
    page: str
    when: str | None = None

    @property
    def hidden(self) -> bool:
        return self.when is not None


# The header's links, in order: a new page adds its NavLink here.
NAV: list[NavLink] = [
    NavLink("/app/worklist", "Worklist", "worklist"),
    NavLink("/app/settings", "Settings", "settings"),
    NavLink("/app/members", "Members", "members", when="is_institution_admin"),
    NavLink("/app/audit", "Access review", "audit", when="is_audit_reviewer"),
]


@cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("oxkair.web", "templates"), autoescape=select_autoescape(),
                       auto_reload=False)


def render(name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("nav", NAV)
    context.setdefault("scripts", [])
    context.setdefault("status_labels", STATUS_LABELS)
    return HTMLResponse(_env().get_template(name).render(**context), status_code=status_code)


def not_found() -> HTMLResponse:
    """The page of an unknown address or id, with ways back (API clients get problem details)."""
    return render("notfound.html", page="notfound", title="Page not found", status_code=404)


@cache
def _static(name: str) -> bytes | None:
    path = files("oxkair.web").joinpath("static").joinpath(name)
    return path.read_bytes() if path.is_file() else None


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The pages' scripts and style sheet (a fixed set of files; no directory walking)."""
    suffix = name[name.rfind("."):] if "." in name else ""
    if "/" in name or suffix not in _STATIC_TYPES or (data := _static(name)) is None:
        raise Problem(404, "no such file")
    return Response(data, media_type=_STATIC_TYPES[suffix], headers={"Cache-Control": "public, max-age=300"})


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/app/worklist", status_code=303)


@router.get("/signup")
def signup() -> HTMLResponse:
    return render("signup.html", page="signup", title="Create your account")


@router.get("/verify-email")
def verify_email() -> HTMLResponse:
    return render("verify.html", page="verify", title="Verify your email")


@router.get("/login")
def login() -> HTMLResponse:
    return render("login.html", page="login", title="Sign in")


@router.get("/recover")
def recover() -> HTMLResponse:
    return render("recover.html", page="recover", title="Reset your password")


@router.get("/reset-password")
def reset_password() -> HTMLResponse:
    return render("reset.html", page="reset", title="Choose a new password")


# The worklist's columns (each sortable: the key is GET /cases?sort=).
WORKLIST_COLUMNS = [("case_number", "Case number"), ("mrn", "MRN"), ("date_of_service", "Date of service"),
                    ("insurance_provider", "Insurance"), ("status", "Status"), ("provider", "Provider"),
                    ("updated_at", "Updated")]


_DIRECTIONS = {"date_of_service": ("oldest first", "newest first"),
               "updated_at": ("oldest first", "newest first"),
               "status": ("in workflow order", "billing first")}
# The same orders as a list (phones show no column headers): (value, label).
SORT_OPTIONS = [("created_at:desc", "Newest first")] + [
    (f"{key}:{order}", f"{label}, {_DIRECTIONS.get(key, ('A to Z', 'Z to A'))[i]}")
    for key, label in WORKLIST_COLUMNS for i, order in enumerate(("asc", "desc"))
]


@router.get("/app/worklist")
def worklist() -> HTMLResponse:
    return render("worklist.html", page="worklist", title="Worklist", app=True, scripts=["cases.js"],
                  columns=WORKLIST_COLUMNS, sort_options=SORT_OPTIONS)


NOTE_FIELDS = [("operative_notes", "Operative notes"), ("admission_notes", "Admission notes"),
               ("discharge_notes", "Discharge notes"), ("pathology_notes", "Pathology notes"),
               ("progress_notes", "Progress notes"), ("bedside_notes", "Bedside notes")]
JSON_FIELDS = [("summary_data", "Summary"), ("final_processed_data", "Final processed data"),
               ("panel_data", "Panel data"), ("ai_raw_output", "AI output (raw)")]


@router.get("/app/cases/{case_id}")
def case(case_id: str) -> HTMLResponse:
    try:
        parsed = UUID(case_id)
    except ValueError:
        return not_found()
    return render("case.html", page="case", title="Case", app=True, case_id=str(parsed), scripts=["cases.js"],
                  note_fields=NOTE_FIELDS, json_fields=JSON_FIELDS)


@router.get("/app/settings")
def settings() -> HTMLResponse:
    return render("settings.html", page="settings", title="Settings", app=True, scripts=["settings.js"])


@router.get("/app/members")
def members() -> HTMLResponse:
    return render("members.html", page="members", title="Members of your institution", app=True,
                  scripts=["members.js"])


@router.get("/app/audit")
def audit() -> HTMLResponse:
    return render("audit.html", page="audit", title="Access review", app=True, scripts=["audit.js"])
