"""The values a crontab file becomes: its kind, its jobs and its environment lines."""

from __future__ import annotations

import enum
from typing import NamedTuple

from cronmigrate.diagnostics import Diagnostic, SourceLocation
from cronmigrate.schedule.unix import CronSchedule


class CrontabKind(enum.Enum):
    USER = "user"  # five time fields + command
    SYSTEM = "system"  # five time fields + user + command (/etc/crontab, cron.d)


class CronJob(NamedTuple):
    location: SourceLocation
    user: str | None  # system crontabs name it; user crontabs: the owner if known
    schedule: CronSchedule | None  # None for @reboot
    schedule_text: str  # as written
    command: str  # what cron gives to the shell (after % and \% handling)
    stdin: str | None  # what cron writes to the command's standard input ('%' lines)
    environment: tuple[tuple[str, str], ...]  # every NAME=value in effect, in order
    raw: str  # the whole line, verbatim
    disabled: bool = False  # a commented-out job line
    timezone: str | None = None  # CRON_TZ/TZ in effect for this entry, if any
    migrated: str | None = None  # the function `cronmigrate cutover` switched it over to

    @property
    def reboot(self) -> bool:
        return self.schedule is None

    def env(self, name: str) -> str | None:
        value = None
        for k, v in self.environment:
            if k == name:
                value = v
        return value

    @property
    def shell(self) -> str:
        return self.env("SHELL") or "/bin/sh"  # Debian: _PATH_BSHELL

    @property
    def path(self) -> str:
        return self.env("PATH") or "/usr/bin:/bin"  # Debian: _PATH_DEFPATH


class EnvLine(NamedTuple):
    location: SourceLocation
    name: str
    value: str
    raw: str


class Crontab(NamedTuple):
    path: str
    kind: CrontabKind
    jobs: tuple[CronJob, ...]
    diagnostics: tuple[Diagnostic, ...]
    lines: int
    env_lines: tuple[EnvLine, ...] = ()
    text: str = ""
