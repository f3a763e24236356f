"""The plan: every job with its translation, what it needs, its name, settings and cost.

The plan is what ``generate`` deploys and what ``plan``, ``lint`` and ``cutover`` report: each
job is read, translated, analysed, named and costed once, here."""

from __future__ import annotations

from typing import NamedTuple

from cronmigrate.analysis.walker import Analysis
from cronmigrate.crontab.model import CronJob
from cronmigrate.diagnostics import Diagnostic
from cronmigrate.schedule.model import Status, Translation, Trigger
from cronmigrate.settings import JobSettings


class Cost(NamedTuple):
    """What a job costs a month on AWS: an estimate."""

    runs_per_month: float
    items: tuple[tuple[str, float], ...]  # (what, USD a month)

    @property
    def total(self) -> float:
        return sum(v for _, v in self.items)

    def to_json(self) -> dict[str, object]:
        return {
            "runs_per_month": round(self.runs_per_month, 4),
            "usd_per_month": round(self.total, 9),
            "items": {k: round(v, 9) for k, v in self.items},
        }


class JobPlan(NamedTuple):
    job: CronJob
    timezone: str
    translation: Translation
    description: str
    next_runs: tuple[str, ...]
    cost: Cost | None = None  # what it costs a month on AWS: an estimate
    analysis: Analysis | None = None  # its command and scripts, read once (None: not read)
    source: str = ""  # its line on the server: /etc/cron.d/app:3
    key: str = ""  # its name: the function's name without the deployment's prefix
    function: str = ""  # the function's (or state machine's) name
    settings_key: str | None = None  # the key under jobs: in cronmigrate.yaml that names it
    settings: JobSettings = JobSettings()  # the defaults, or its own
    target: str = "lambda"  # or runcommand: it stays on its server (EC2 Run Command)

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
