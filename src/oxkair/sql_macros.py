"""Expressions several SQL files share where no database function can hold them: the data
migration's queries run on the Supabase source, where oxkair creates nothing, and compare names
the same way as the target-side queries do. A file writes `NAME_KEY(expr)`; loading it through
`expand` writes the one definition below in its place. (A database function would do on the
target alone; on the source there is none to call.)"""

from __future__ import annotations

import re

MACROS = {
    # An institution's name as compared everywhere: trimmed, inner spaces collapsed, no case.
    "NAME_KEY": "lower(regexp_replace(btrim({}), '\\s+', ' ', 'g'))",
    # A person's shown name as compared: trimmed, inner spaces collapsed (case kept).
    "SPACES_COLLAPSED": "regexp_replace(btrim({}), '\\s+', ' ', 'g')",
}
_CALL = re.compile(r"\b(" + "|".join(MACROS) + r")\(")


def expand(text: str) -> str:
    """`text` with every macro call replaced by its definition (arguments may nest parentheses
    and macros; quoted strings inside an argument are not parsed, so keep them parenthesis-free)."""
    while match := _CALL.search(text):
        depth, end = 1, match.end()
        while depth:
            if end >= len(text):
                raise ValueError(f"unbalanced {match.group(1)}( in SQL")
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        argument = text[match.end():end - 1]
        text = text[:match.start()] + MACROS[match.group(1)].format(argument) + text[end:]
    return text
