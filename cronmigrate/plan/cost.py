"""What a planned job costs a month on AWS: an estimate from its EventBridge schedules (runs
per month, exact: the average over the 400-year cycle the proof uses), its own settings
(memory, architecture, expected duration, the duplicate guard, where it runs) and the prices
of :data:`cronmigrate.aws_facts.PRICES` (overridden under ``prices:`` in cronmigrate.yaml)."""

from __future__ import annotations

from typing import NamedTuple

from cronmigrate.aws_facts import PRICES
from cronmigrate.plan.model import Cost, JobPlan
from cronmigrate.schedule import fires
from cronmigrate.schedule.eventbridge import parse
from cronmigrate.schedule.model import Trigger
from cronmigrate.settings import Settings

MONTHS_PER_CYCLE = 400 * 12
# State transitions of one Run Command run that polls once (Claim, Send, Started, Wait,
# Poll, Tick, Found, First, Ended, Record, AllSucceeded, NotifySuccess); each further poll
# adds six.
RUNCOMMAND_TRANSITIONS = 12


class CostOptions(NamedTuple):
    """What the estimate needs beyond each job's own settings."""

    error_alarms: bool = True
    trigger: Trigger = Trigger.SCHEDULER
    prices: dict[str, float] = PRICES


def options(settings: Settings, trigger: Trigger) -> CostOptions:
    return CostOptions(settings.error_alarms, trigger, PRICES | settings.prices)


def runs_per_month(jp: JobPlan) -> float:
    """Invocations a month: every EventBridge schedule's fire times over the cycle."""
    total = 0
    for s in jp.translation.schedules:
        days, times = fires.aws_pair(parse(s.expression))
        total += days.bit_count() * times.bit_count()
    return total / MONTHS_PER_CYCLE


def job_cost(jp: JobPlan, opts: CostOptions) -> Cost | None:
    """The job's cost with its settings (``jp.settings``) and target (``jp.target``)."""
    if not jp.translation.schedules:
        return None
    p, js = opts.prices, jp.settings
    runs = runs_per_month(jp)
    per_invocation = (
        p["rule_per_invocation"] if opts.trigger is Trigger.RULES else p["scheduler_per_invocation"]
    )
    items: list[tuple[str, float]] = [("schedule", runs * per_invocation)]
    if jp.target == "runcommand":
        items.append(
            ("stepfunctions", runs * RUNCOMMAND_TRANSITIONS * p["stepfunctions_per_transition"])
        )
    else:
        architecture = js.architecture or "x86_64"
        gb_seconds = runs * js.expected_duration * js.memory / 1024
        items.append(("lambda_requests", runs * p["lambda_per_request"]))
        items.append(("lambda_compute", gb_seconds * p[f"lambda_per_gb_second_{architecture}"]))
        if opts.error_alarms:
            items.append(("errors_alarm", p["alarm_per_month"]))
    if js.lock == "dynamodb":
        items.append(("duplicate_guard", runs * p["dynamodb_per_write"]))
    return Cost(runs, tuple(items))
