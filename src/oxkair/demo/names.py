"""Realistic institution names and email domains, generated from word lists shipped in the package."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from importlib.resources import files


@cache
def words(name: str) -> tuple[str, ...]:
    """The distinct lines of demo/data/<name>.txt, in file order."""
    text = files("oxkair.demo").joinpath(f"data/{name}.txt").read_text(encoding="utf-8")
    return tuple(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def famous() -> list[tuple[str, str]]:
    """Well-known institutions with their real email domains (the seed's mayoclinic.org example)."""
    return [(n, d) for n, d in (line.split("|", 1) for line in words("famous"))]


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.lower().replace("'", "").replace("st. ", "st")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")


def _name(rng: random.Random) -> str:
    city, kind = rng.choice(words("cities")), rng.choice(words("kinds"))
    person, saint = rng.choice(words("people")), rng.choice(words("saints"))
    pattern = rng.random()
    if pattern < 0.30:
        return f"{city} {kind}"
    if pattern < 0.45:
        return f"{person} {kind}"
    if pattern < 0.60:
        return f"St. {saint} {kind}" if rng.random() < 0.5 else f"Saint {saint} {kind} of {city}"
    if pattern < 0.68:
        return f"University of {rng.choice(words('states'))} {kind}"
    if pattern < 0.84:
        return f"{person} {kind} – {city}"
    return f"{city} {kind} – {person} Campus"


def institutions(count: int, seed: int = 5) -> Iterator[tuple[str, str]]:
    """`count` distinct (name, email domain) pairs, deterministic for a seed; the famous first."""
    rng = random.Random(seed)  # noqa: S311 - reproducible names, not secrets
    names: set[str] = set()
    domains: set[str] = set()
    produced = 0
    for name, domain in famous():
        if produced == count:
            return
        names.add(name)
        domains.add(domain)
        produced += 1
        yield name, domain
    campus = 1
    while produced < count:
        name = _name(rng)
        while name in names:  # the combinations run thin at large counts: number the site
            campus += 1
            name = f"{_name(rng)} {campus}"
        names.add(name)
        base = slug(name)[:48].strip("-")
        domain, n = f"{base}.org", 1
        while domain in domains:
            n += 1
            domain = f"{base}{n}.org"
        domains.add(domain)
        produced += 1
        yield name, domain
