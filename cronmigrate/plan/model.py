"""The plan: every job with its translation, what it needs, its name, settings and cost.

The plan is what ``generate`` deploys and what ``plan``, ``lint`` and ``cutover`` report: each
job is read, translated, analysed, named and costed once, here."""

from __future__ import annotations

from typing import NamedTuple

from cronmigrate.analysis.walker import Analysis
from cronmigrate.crontab.model import CronJob
from cronmigrate.diagnostics import Diagnostic
from cronmigrate.jobindex import Identity, Previous
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
    identity: Identity | None = None  # who it is, whatever its line (None: not named)

    @property
    def status(self) -> Status:
        return self.translation.status


class CrontabFile(NamedTuple):
    """A crontab the plan read: its path as given, its path on the server, its bytes' SHA-256."""

    path: str
    server_path: str
    sha256: str


class Plan(NamedTuple):
    jobs: tuple[JobPlan, ...]
    diagnostics: tuple[Diagnostic, ...]  # file-level and malformed-line findings
    files: tuple[str, ...]
    trigger: Trigger  # what starts the jobs: EventBridge Scheduler or classic rules
    default_timezone: str
    summary: dict[str, int]
    crontabs: tuple[CrontabFile, ...] = ()
    name_prefix: str = ""  # the deployment's (functions are named prefix + key)
    previous: Previous = Previous.empty()  # the output planned against (--against, -o)

    @property
    def server_files(self) -> tuple[str, ...]:
        """The crontabs read, by their paths on the server."""
        return tuple(c.server_path for c in self.crontabs) or self.files

    def on_server(self, path: str) -> str:
        """A crontab's path on the server, from its path as given (what generated files say,
        so that they do not depend on where generate ran)."""
        return next((c.server_path for c in self.crontabs if c.path == path), path)
