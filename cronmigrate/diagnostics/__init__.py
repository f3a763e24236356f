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


# Stable codes. Lint (a later stage) documents each; plan and lint share them.
SYNTAX = "CM101"  # a time field cron rejects
BAD_MACRO = "CM102"  # @word cron does not know
MISSING_COMMAND = "CM103"
MISSING_USER = "CM104"
BAD_COMMAND_START = "CM105"  # user crontab command starting with '*': six time fields?
UNKNOWN_TIMEZONE = "CM106"
MISSING_NEWLINE = "CM107"  # last line without newline: Debian ignores the whole file
FILE_IGNORED = "CM108"  # Debian's cron skips the whole file after one bad line
UNREADABLE = "CM109"
IGNORED_TEXT = "CM110"  # text cron silently skips after a field value ('1#2')
REVERSED_RANGE = "CM111"  # '17-9': accepted, selects nothing
NEVER_RUNS = "CM112"
CRLF = "CM113"
SKIPPED_FILE = "CM114"  # cron.d file name cron ignores
FORMAT_DETECTED = "CM115"
BAD_ENV = "CM116"  # a line that looks like NAME=value but that cron rejects
QUARTZ = "CM117"  # syntax croniter or Quartz accept and cron rejects (0/15, L, W, ?)
REBOOT = "CM201"  # @reboot cannot be scheduled
DISABLED = "CM202"  # commented-out job
DAY_AND = "CM203"  # both day fields restricted with '*' prefix: AND, not expressible
DAY_OR_SPLIT = "CM204"  # either-rule split into two schedules
DST_DRIFT = "CM205"
NO_UTC_FORM = "CM206"
UNVERIFIED = "CM207"
UTC_DRIFT = "CM208"
