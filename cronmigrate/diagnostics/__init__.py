"""Diagnostics: findings about the input, as values with a stable code and a place.

Every stage returns diagnostics instead of raising; only the CLI prints them.
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
_REPR_UNDECODED = re.compile(r"\\udc([89a-f][0-9a-f])")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
ECHO_MAX = 200  # characters of the user's input a message repeats


def visible(text: str) -> str:
    """``text`` as printable, valid UTF-8: a byte that was not UTF-8 is ``\\xNN``, a control
    character ``\\xNN`` too."""
    text = _UNDECODED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)
    text = _REPR_UNDECODED.sub(r"\\x\1", text)  # what repr() made of one: '\\udcff'

    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def echo(text: str, limit: int = ECHO_MAX) -> str:
    """The user's input as a message repeats it: visible, and cut when long."""
    shown = visible(text)
    if len(shown) <= limit:
        return shown
    return f"{shown[:limit]}… ({len(shown) - limit} more characters)"


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
