"""Settings for every command: loaded once, with warnings about weakened TLS shown on stderr."""

from __future__ import annotations

import warnings

from rich.console import Console

from oxkair.config import InsecureSettingWarning, Settings, load_settings

_err = Console(stderr=True)


def cli_settings() -> Settings:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InsecureSettingWarning)
        settings = load_settings()
    for warning in caught:
        _err.print(f"[yellow]warning:[/] {warning.message}")
    return settings
