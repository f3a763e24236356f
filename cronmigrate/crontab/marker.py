"""The line ``cronmigrate cutover`` writes for a job it switched over to AWS:
``#cronmigrate:<function>:`` before the original line, byte for byte, so that cron ignores
it, ``plan`` and ``lint`` know it as migrated, and ``cutover --undo`` restores it exactly."""

from __future__ import annotations

import re

MARKER = "#cronmigrate:"
_MARKED = re.compile(r"#cronmigrate:([A-Za-z0-9_-]{1,64}):(.*)\Z", re.DOTALL)


def mark(function: str, line: str) -> str:
    return f"{MARKER}{function}:{line}"


def unmark(line: str) -> tuple[str, str] | None:
    """(function, the original line) of a marked line, else None."""
    m = _MARKED.match(line)
    return (m.group(1), m.group(2)) if m else None
