"""What a planned job costs a month on AWS: an estimate from its EventBridge schedules (runs
per month, exact: the average over the 400-year cycle the proof uses), the function's
memory, architecture and expected duration, and the prices of :mod:`cronmigrate.prices`."""

from __future__ import annotations

from typing import NamedTuple

from cronmigrate.plan.model import JobPlan
from cronmigrate.prices import PRICES
from cronmigrate.schedule import fires
from cronmigrate.schedule.eventbridge import parse
from cronmigrate.schedule.model import Trigger

MONTHS_PER_CYCLE = 400 * 12
# State transitions of one Run Command run that polls once (Claim, Send, Started, Wait,
# Poll, Tick, Found, First, Ended, Record, AllSucceeded, NotifySuccess); each further poll
# adds six.
RUNCOMMAND_TRANSITIONS = 12


class CostOptions(NamedTuple):
    memory_mb: int = 128
    architecture: str = "x86_64"
    duration_seconds: float = 10.0
    lock: bool = True
    error_alarms: bool = True
    trigger: Trigger = Trigger.SCHEDULER
    prices: dict[str, float] = PRICES


class Cost(NamedTuple):
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


def runs_per_month(jp: JobPlan) -> float:
    """Invocations a month: every EventBridge schedule's fire times over the cycle."""
    total = 0
    for s in jp.translation.schedules:
        days, times = fires.aws_pair(parse(s.expression))
        total += days.bit_count() * times.bit_count()
    return total / MONTHS_PER_CYCLE


def job_cost(jp: JobPlan, opts: CostOptions, runcommand: bool = False) -> Cost | None:
    if not jp.translation.schedules:
        return None
    p = opts.prices
    runs = runs_per_month(jp)
    per_invocation = (
        p["rule_per_invocation"] if opts.trigger is Trigger.RULES else p["scheduler_per_invocation"]
    )
    items: list[tuple[str, float]] = [("schedule", runs * per_invocation)]
    if runcommand:
        items.append(
            ("stepfunctions", runs * RUNCOMMAND_TRANSITIONS * p["stepfunctions_per_transition"])
        )
    else:
        gb_seconds = runs * opts.duration_seconds * opts.memory_mb / 1024
        items.append(("lambda_requests", runs * p["lambda_per_request"]))
        items.append(
            ("lambda_compute", gb_seconds * p[f"lambda_per_gb_second_{opts.architecture}"])
        )
        if opts.error_alarms:
            items.append(("errors_alarm", p["alarm_per_month"]))
    if opts.lock:
        items.append(("duplicate_guard", runs * p["dynamodb_per_write"]))
    return Cost(runs, tuple(items))
