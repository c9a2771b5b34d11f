"""Settings for every command: loaded once, with warnings about weakened TLS shown on stderr."""

from __future__ import annotations

import warnings

from pydantic import ValidationError
from rich.console import Console

from oxkair.config import InsecureSettingWarning, Settings, load_settings
from oxkair.errors import SetupError

_err = Console(stderr=True)


def cli_settings() -> Settings:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InsecureSettingWarning)
        try:
            settings = load_settings()
        except ValidationError as exc:
            # Named as they are set (environment or .env.local); the value is not echoed: it
            # may be a password.
            problems = "; ".join(f"{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
            raise SetupError(f"invalid setting: {problems}") from None
    for warning in caught:
        _err.print(f"[yellow]warning:[/] {warning.message}")
    return settings
