"""Diagnostics: findings about the input, as values with a stable code and a place.

Every stage returns diagnostics instead of raising; only the CLI prints them.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` gives the worst."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


class SourceLocation(NamedTuple):
    path: str
    line: int
    column: int = 0  # 0: the whole line

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.column > 0:
            return f"{self.path}:{self.line}:{self.column}"
        return f"{self.path}:{self.line}"

    @property
    def short(self) -> str:
        """``file:line`` without the column."""
        return f"{self.path}:{self.line}" if self.line > 0 else self.path


class Diagnostic(NamedTuple):
    code: str
    severity: Severity
    message: str
    location: SourceLocation
    text: str = ""  # the offending text, verbatim
    hint: str = ""

    def one_line(self) -> str:
        """``file:line:col: CODE severity: message`` — one line, never more."""
        msg = f"{self.location}: {self.code} {self.severity}: {self.message}"
        if self.hint:
            msg += f" ({self.hint})"
        return msg.replace("\n", "\\n").replace("\r", "\\r")
