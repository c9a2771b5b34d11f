"""Errors users are expected to meet: the CLI prints them as one line and exits non-zero."""


class OxkairError(Exception):
    """An expected failure with a message written for the person at the terminal."""

    exit_code = 1


class SetupError(OxkairError):
    """Something the machine lacks or a setting that cannot work (exit 2)."""

    exit_code = 2
