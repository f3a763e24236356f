"""Translating one crontab line, as the schedule tests do."""

from __future__ import annotations

from cronmigrate.crontab.model import CronJob, CrontabKind
from cronmigrate.crontab.parse import parse_crontab
from cronmigrate.schedule.model import Translation, Trigger
from cronmigrate.schedule.translate import Options, translate

OPTS = Options(Trigger.SCHEDULER, False, 2026, 2028)


def job(schedule: str) -> CronJob:
    tab = parse_crontab(f"{schedule} /bin/true\n", "t", CrontabKind.USER)
    assert len(tab.jobs) == 1, tab.diagnostics
    return tab.jobs[0]


def run(schedule: str, zone: str = "UTC", opts: Options = OPTS) -> Translation:
    return translate(job(schedule), zone, opts)
