"""``cronmigrate plan``: crontab files (or copies of servers) → a :class:`Plan`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

from cronmigrate import settings as config
from cronmigrate.commands.inputs import check_crontabs, check_root, moment, stdin_text
from cronmigrate.crontab.model import CrontabKind
from cronmigrate.errors import UsageError
from cronmigrate.plan import cost
from cronmigrate.plan.build import PlanOptions, build_hosts, build_plan
from cronmigrate.plan.model import Plan
from cronmigrate.schedule.model import Trigger
from cronmigrate.settings import Settings


class Inputs(NamedTuple):
    """The options plan and generate share."""

    timezone: str = "UTC"
    trigger: Trigger = Trigger.SCHEDULER
    allow_drift: bool = False
    system: bool | None = None  # force the format: True system, False user, None detect
    now: str | None = None  # ISO 8601
    root: Path | None = None


def plan(
    crontabs: Sequence[str],
    inputs: Inputs,
    stdin: BinaryIO | None = None,
    settings: Settings | None = None,
    target_default: str = "lambda",
    host: str = "",
    against: Path | None = None,
) -> Plan:
    """Read, translate, prove, analyse, name and cost every job (``settings``: the loaded
    cronmigrate.yaml, else ./cronmigrate.yaml when there is one); ``against``: an output
    directory whose jobs keep their names (and the plan says what would change)."""
    if not crontabs:
        raise UsageError("give CRONTAB files (or --host NAME=DIR)")
    check_crontabs(crontabs)
    # generate's default: plan is its dry run, the same checks (scripts under --root, which
    # is this machine's / unless given)
    inputs = inputs._replace(root=inputs.root or Path("/"))
    check_root(inputs.root)
    forced = None
    if inputs.system is not None:
        forced = CrontabKind.SYSTEM if inputs.system else CrontabKind.USER
    conf = settings if settings is not None else config.load(None)
    options = PlanOptions(
        inputs.timezone,
        inputs.trigger,
        inputs.allow_drift,
        forced,
        moment(inputs.now),
        root=inputs.root,
        cost=cost.options(conf, inputs.trigger),
        settings=conf,
        target_default=target_default,
        host=host,
        against=against,
    )
    return build_plan(crontabs, options, stdin_text(crontabs, stdin))


def plan_hosts(hosts: Sequence[str], inputs: Inputs) -> Plan:
    """``--host NAME=DIR`` (repeated): one plan over several servers' copies."""
    pairs = []
    for h in hosts:
        name, sep, directory = h.partition("=")
        if not sep or not name or not Path(directory).is_dir():
            raise UsageError(f"--host {h!r}: expected NAME=DIR with an existing DIR")
        pairs.append((name, Path(directory)))
    options = PlanOptions(
        inputs.timezone, inputs.trigger, inputs.allow_drift, now=moment(inputs.now)
    )
    return build_hosts(pairs, options)
