"""Printing the demo data's load for `oxkair serve --demo`."""

from __future__ import annotations

import time

from rich.console import Console

from oxkair.config import Settings
from oxkair.demo.loader import DEMO_PASSWORD, load_demo


def load_and_report(settings: Settings, console: Console) -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    started = time.monotonic()
    report = load_demo(settings)
    console.print(f"demo data: +{report.institutions_added} institutions, +{report.users_added} users,"
                  f" +{report.cases_added} cases ({time.monotonic() - started:.1f} s)")
    for email, category, institution in report.logins:
        console.print(f"  demo login ({category}, {institution}):  {email}  /  {DEMO_PASSWORD}")
    console.print("  more: coder2@…, provider2@… of riverside-general.example, saint-agnes.example,"
                  " lakeview-regional.example (same password)")
