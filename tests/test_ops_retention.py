"""Grandfather-father-son retention: the 6-year floor of the monthly and yearly tiers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oxkair.errors import OxkairError
from oxkair.ops.retention import HIPAA_YEARS, Policy, plan

NOW = datetime(2032, 6, 15, 3, 0, tzinfo=UTC)


def _daily_for(years: int) -> dict[str, datetime]:
    return {f"b{i:05d}": NOW - timedelta(days=i) for i in range(int(365.25 * years))}


def test_recent_days_and_weeks_are_kept() -> None:
    keep = plan(_daily_for(1), NOW, Policy(daily=7, weekly=5))
    kept_days = {f"b{i:05d}" for i in range(7)}
    assert all("daily" in keep[name] for name in kept_days)
    assert sum("weekly" in tiers for tiers in keep.values()) == 5
    assert "latest" in keep["b00000"]


def test_nothing_younger_than_six_years_leaves_the_monthly_tier() -> None:
    times = _daily_for(8)
    keep = plan(times, NOW, Policy(daily=3, weekly=2, monthly_years=6, yearly_years=6))
    six_years_ago = NOW.replace(year=NOW.year - HIPAA_YEARS)
    months_young = {(t.year, t.month) for t in times.values() if t >= six_years_ago}
    months_kept = {(times[n].year, times[n].month) for n, tiers in keep.items()
                   if "monthly" in tiers}
    assert months_young == months_kept  # one backup kept for every month of the last 6 years
    for name, tiers in keep.items():
        if not tiers:
            at = times[name]
            newest_of_month = max(t for t in times.values() if (t.year, t.month) == (at.year, at.month))
            assert at < six_years_ago or at != newest_of_month


def test_yearly_tier_outlives_the_monthly_one() -> None:
    times = _daily_for(9)
    keep = plan(times, NOW, Policy(daily=1, weekly=1, monthly_years=6, yearly_years=10))
    old_years = {times[n].year for n, tiers in keep.items() if "yearly" in tiers}
    assert min(old_years) == min(t.year for t in times.values())
    assert sum(1 for tiers in keep.values() if tiers) < len(times) / 10


def test_short_retention_needs_the_explicit_flag() -> None:
    with pytest.raises(OxkairError, match="--allow-short-retention"):
        Policy(monthly_years=2).validate()
    Policy(monthly_years=2).validate(allow_short=True)
    Policy(monthly_years=7, yearly_years=20).validate()  # upward is always fine


def test_only_backup_is_always_kept() -> None:
    old = {"ancient": NOW - timedelta(days=365 * 30)}
    assert plan(old, NOW, Policy())["ancient"] == ["latest", "daily", "weekly"]
