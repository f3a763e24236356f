"""The cost estimate's settings from cronmigrate.yaml: the defaults for every job, and the
jobs with settings of their own (memory, expected_duration, lock, target: runcommand)."""

from __future__ import annotations

from pathlib import Path

from cronmigrate.deploy.names import job_key, job_source
from cronmigrate.deploy.settings import Settings
from cronmigrate.plan.cost import CostOptions, job_cost
from cronmigrate.plan.model import Plan
from cronmigrate.prices import PRICES
from cronmigrate.schedule.model import Trigger


def options(settings: Settings, trigger: Trigger) -> CostOptions:
    d = settings.defaults
    return CostOptions(
        d.memory,
        d.architecture or "x86_64",
        float(d.expected_duration),
        d.lock == "dynamodb",
        settings.error_alarms,
        trigger,
        PRICES | settings.prices,
    )


def per_job(plan: Plan, settings: Settings, base: CostOptions, root: Path | None) -> Plan:
    """The plan with each job that has settings of its own costed with them."""
    if not settings.jobs:
        return plan
    where = root or Path("/")
    jobs = []
    for jp in plan.jobs:
        key = settings.key_for(job_key(jp, settings.name_prefix, where), job_source(jp, where))
        if key is None or jp.cost is None:
            jobs.append(jp)
            continue
        js = settings.jobs[key]
        opts = base._replace(
            memory_mb=js.memory,
            architecture=js.architecture or base.architecture,
            duration_seconds=float(js.expected_duration),
            lock=js.lock == "dynamodb",
        )
        jobs.append(jp._replace(cost=job_cost(jp, opts, runcommand=js.target == "runcommand")))
    return plan._replace(jobs=tuple(jobs))
