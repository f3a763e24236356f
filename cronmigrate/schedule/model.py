"""The values a schedule becomes: EventBridge expressions, the proof, the status."""

from __future__ import annotations

import enum
from typing import NamedTuple

from cronmigrate.diagnostics import Diagnostic


class Status(enum.Enum):
    OK = "ok"
    WARNING = "warning"
    REFUSED = "refused"
    DISABLED = "disabled"
    MIGRATED = "migrated"  # switched over by `cronmigrate cutover`: runs on AWS now


class Trigger(enum.Enum):
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
