"""Grandfather-father-son retention: which backups to keep, and why (a pure function)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oxkair.errors import OxkairError

HIPAA_YEARS = 6  # 45 CFR 164.316(b)(2)(i): documentation kept six years


@dataclass(frozen=True)
class Policy:
    daily: int = 7     # newest backup of each of the last N days that have one
    weekly: int = 5    # ... of each of the last N ISO weeks
    monthly_years: int = HIPAA_YEARS  # newest of each month, for N years
    yearly_years: int = 10            # newest of each year, for N years

    def validate(self, allow_short: bool = False) -> None:
        if min(self.daily, self.weekly) < 0:
            raise OxkairError("retention counts cannot be negative")
        short = [f"{tier} {years}y" for tier, years in
                 (("monthly", self.monthly_years), ("yearly", self.yearly_years)) if years < HIPAA_YEARS]
        if short and not allow_short:
            raise OxkairError(f"retention below {HIPAA_YEARS} years ({', '.join(short)}) breaks the "
                              "HIPAA floor; pass --allow-short-retention if that is really intended")


def _years_before(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def plan(times: dict[str, datetime], now: datetime, policy: Policy) -> dict[str, list[str]]:
    """Map each backup name to the tiers keeping it; names mapped to [] are to be pruned."""
    keep: dict[str, list[str]] = {name: [] for name in times}
    newest_first = sorted(times, key=lambda n: times[n], reverse=True)
    if newest_first:
        keep[newest_first[0]].append("latest")

    def tier(label: str, bucket_of: object, limit: int | None, since: datetime | None) -> None:
        seen: list[object] = []
        for name in newest_first:
            at = times[name]
            if since is not None and at < since:
                break
            bucket = bucket_of(at)  # type: ignore[operator]
            if bucket in seen:
                continue
            if limit is not None and len(seen) >= limit:
                break
            seen.append(bucket)
            keep[name].append(label)

    tier("daily", lambda t: t.date(), policy.daily, None)
    tier("weekly", lambda t: t.isocalendar()[:2], policy.weekly, None)
    tier("monthly", lambda t: (t.year, t.month), None, _years_before(now, policy.monthly_years))
    tier("yearly", lambda t: t.year, None, _years_before(now, policy.yearly_years))
    return keep
