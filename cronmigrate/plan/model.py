"""The plan: every job with its translation, description and next runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from cronmigrate.crontab.model import CronJob
from cronmigrate.diagnostics import Diagnostic
from cronmigrate.schedule.model import Status, Translation, Trigger

if TYPE_CHECKING:
    from cronmigrate.plan.cost import Cost


class JobPlan(NamedTuple):
    job: CronJob
    timezone: str
    translation: Translation
    description: str
    next_runs: tuple[str, ...]
    cost: Cost | None = None  # what it costs a month on AWS: an estimate

    @property
    def status(self) -> Status:
        return self.translation.status


class Plan(NamedTuple):
    jobs: tuple[JobPlan, ...]
    diagnostics: tuple[Diagnostic, ...]  # file-level and malformed-line findings
    files: tuple[str, ...]
    trigger: Trigger  # what starts the jobs: EventBridge Scheduler or classic rules
    default_timezone: str
    summary: dict[str, int]
