"""The values that flow through cronmigrate: crontab → jobs → schedules → plan."""

from __future__ import annotations

import enum
from typing import NamedTuple

from cronmigrate.cronexpr import CronSchedule
from cronmigrate.diagnostics import Diagnostic, SourceLocation


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


class Status(enum.Enum):
    OK = "ok"
    WARNING = "warning"
    REFUSED = "refused"
    DISABLED = "disabled"


class Target(enum.Enum):
    SCHEDULER = "scheduler"  # EventBridge Scheduler: cron() in a named time zone
    RULES = "rules"  # classic EventBridge rules: cron() in UTC


class EventBridgeSchedule(NamedTuple):
    expression: str
    timezone: str

    def to_json(self) -> dict[str, str]:
        return {"expression": self.expression, "timezone": self.timezone}


class Proof(NamedTuple):
    """What the comparison of fire times found."""

    equal_local: bool  # same local wall-clock instants over the whole 400-year cycle
    duplicates_per_cycle: int  # instants fired by two schedules at once (split jobs)
    dst_differences: tuple[str, ...] = ()  # instants where DST handling differs
    horizon: str = ""  # what the DST check covered

    @property
    def verified(self) -> bool:
        return self.equal_local and not self.dst_differences


class Translation(NamedTuple):
    schedules: tuple[EventBridgeSchedule, ...]
    status: Status
    reasons: tuple[Diagnostic, ...]
    proof: Proof | None = None

    @property
    def verified(self) -> bool:
        return self.proof is not None and self.proof.verified


class JobPlan(NamedTuple):
    job: CronJob
    timezone: str
    translation: Translation
    description: str
    next_runs: tuple[str, ...]

    @property
    def status(self) -> Status:
        return self.translation.status


class Plan(NamedTuple):
    jobs: tuple[JobPlan, ...]
    diagnostics: tuple[Diagnostic, ...]  # file-level and malformed-line findings
    files: tuple[str, ...]
    target: Target
    default_timezone: str
    summary: dict[str, int]
