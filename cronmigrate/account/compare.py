"""What the account holds against what ``generate`` wrote (the job index's ``deployed``), and
whether each job ran when its schedule said: pure functions of a :class:`~.read.Snapshot`.

A job is ``missing`` when its function, state machine or a schedule (rule) is not there,
``drifted`` when one differs in a field the templates set (``differences``: the field, the
generated value, the deployed one), ``disabled`` when its schedules are there as generated but
switched off, else ``ok``. Resources with the deployment's name prefix that no job accounts
for are ``extra``. A run is missed when a deployed, enabled schedule fired an instant in the
window (since it was last changed) that nobody claimed in the guard's table.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from cronmigrate.account.read import Snapshot
from cronmigrate.plan.build import upcoming_runs
from cronmigrate.schedule.model import EventBridgeSchedule

GRACE = dt.timedelta(minutes=2)  # a run this recent may still be claiming
# With FlexibleTimeWindow OFF (as generated) Scheduler invokes the target at the scheduled
# time, not within a window after it
# (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-flexible-time-windows.html);
# retries after a failed delivery come later. A Run Command job without the guard's claims:
# an execution that started this soon after an instant is taken as that instant's run.
STARTED_WITHIN = dt.timedelta(minutes=15)
_SFN = {"SUCCEEDED": "ok", "RUNNING": "running", "TIMED_OUT": "timeout"}  # else failed


class Difference(NamedTuple):
    resource: str  # "function" or "schedule NAME" / "rule NAME"
    field: str
    generated: Any
    deployed: Any


class Run(NamedTuple):
    at: str  # the scheduled time (ISO 8601, UTC)
    outcome: str  # ok, failed, timeout, running (claimed, not recorded yet)
    exit_status: int | None = None
    duration_ms: int | None = None


class JobStatus(NamedTuple):
    function: str
    source: str
    status: str  # ok, missing, drifted, disabled
    differences: tuple[Difference, ...]
    last_run: Run | None
    missed: tuple[str, ...]
    failures: tuple[Run, ...]
    runs_known: bool  # the guard records its runs (lock: dynamodb) or it is a state machine
    expected_enabled: bool

    @property
    def good(self) -> bool:
        deployed = self.status == "ok" or (self.status == "disabled" and not self.expected_enabled)
        return deployed and not self.missed and not self.failures


class Report(NamedTuple):
    jobs: tuple[JobStatus, ...]
    extra: tuple[str, ...]
    since: dt.datetime
    now: dt.datetime
    lock_table: str | None

    @property
    def ok(self) -> bool:
        return all(j.good for j in self.jobs) and not self.extra

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "since": _iso(self.since),
            "now": _iso(self.now),
            "lock_table": self.lock_table,
            "ok": self.ok,
            "jobs": [
                {
                    "function": j.function,
                    "source": j.source,
                    "status": j.status,
                    "differences": [d._asdict() for d in j.differences],
                    "last_run": j.last_run._asdict() if j.last_run else None,
                    "missed": list(j.missed),
                    "failures": [f._asdict() for f in j.failures],
                    "runs_known": j.runs_known,
                }
                for j in self.jobs
            ],
            "extra": list(self.extra),
        }


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _function_differences(want: dict[str, Any], got: dict[str, Any]) -> list[Difference]:
    env = got.get("Environment", {}).get("Variables", {})
    deployed_layers = [x["Arn"] for x in got.get("Layers", [])]
    pairs = [
        ("code_sha256", want["code_sha256"], got.get("CodeSha256")),
        ("runtime", want["runtime"], got.get("Runtime")),
        ("handler", want["handler"], got.get("Handler")),
        ("memory", want["memory"], got.get("MemorySize")),
        ("timeout", want["timeout"], got.get("Timeout")),
        ("architecture", want["architecture"], (got.get("Architectures") or ["x86_64"])[0]),
    ]
    out = [Difference("function", f, a, b) for f, a, b in pairs if a != b]
    missing_layers = [x for x in want["layers"] if x not in deployed_layers]
    if missing_layers:
        out.append(Difference("function", "layers", want["layers"], deployed_layers))
    for key, value in sorted(want["environment"].items()):
        if env.get(key) != value:
            out.append(Difference("function", f"environment.{key}", value, env.get(key)))
    return out


def _schedule_differences(want: dict[str, Any], got: dict[str, Any]) -> list[Difference]:
    where = f"schedule {want['name']}"
    target = got.get("Target", {})
    retry = target.get("RetryPolicy", {})
    pairs = [
        ("expression", want["expression"], got.get("ScheduleExpression")),
        ("timezone", want["timezone"], got.get("ScheduleExpressionTimezone", "UTC")),
        (
            "retry",
            want["retry"],
            [retry.get("MaximumRetryAttempts"), retry.get("MaximumEventAgeInSeconds")],
        ),
        ("dead_letter", want["dead_letter"], bool(target.get("DeadLetterConfig", {}).get("Arn"))),
    ]
    out = [Difference(where, f, a, b) for f, a, b in pairs if a != b]
    if want.get("input") is not None:
        try:
            same = json.loads(want["input"]) == json.loads(target.get("Input") or "null")
        except ValueError:
            same = False
        if not same:
            out.append(Difference(where, "input", want["input"], target.get("Input")))
    return out


def _rule_differences(want: dict[str, Any], got: dict[str, Any]) -> list[Difference]:
    where = f"rule {want['name']}"
    out = []
    if got.get("ScheduleExpression") != want["expression"]:
        out.append(
            Difference(where, "expression", want["expression"], got.get("ScheduleExpression"))
        )
    if not got.get("Targets"):
        out.append(Difference(where, "target", "the job's function", None))
    return out


def _target_name(arn: str) -> str:
    """A function's or state machine's name from its ARN (a version or alias suffix aside)."""
    parts = arn.split(":")
    if ":function:" in arn:
        return parts[6]
    if ":stateMachine:" in arn:
        return parts[6]
    return arn


def _fired(expression: str, zone: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The instants a schedule fires in [start, end]."""
    out: list[dt.datetime] = []
    at = start - dt.timedelta(seconds=1)
    sched = (EventBridgeSchedule(expression, zone),)
    while True:
        batch = [dt.datetime.fromisoformat(t) for t in upcoming_runs(sched, at, 1000, end)]
        out += [t.astimezone(dt.UTC) for t in batch]
        if len(batch) < 1000:
            return out
        at = batch[-1]


def compare(doc: dict[str, Any], snap: Snapshot, since: dt.datetime, now: dt.datetime) -> Report:
    jobs: list[JobStatus] = []
    accounted_functions: set[str] = set()
    accounted_triggers: set[str] = set()
    for job in doc["jobs"]:
        deployed = job.get("deployed") or {}
        function = job["function"]
        differences: list[Difference] = []
        missing = False
        fn_want = deployed.get("function")
        deployed_at = since  # rules keep no change time: the function's deployment stands in
        if fn_want is not None:
            accounted_functions.add(fn_want["name"])
            got = snap.functions.get(fn_want["name"])
            if got is None:
                missing = True
            else:
                differences += _function_differences(fn_want, got)
                deployed_at = _parse(str(got.get("LastModified", ""))) or since
        machine = deployed.get("state_machine")
        if machine is not None and machine["name"] not in snap.machines:
            missing = True
        triggers = deployed.get("triggers", [])
        states: list[bool] = []
        fired: list[dt.datetime] = []
        for t in triggers:
            accounted_triggers.add(t["name"])
            if t["kind"] == "schedule":
                got = snap.schedules.get(t["name"])
                if not got:
                    missing = True
                    continue
                differences += _schedule_differences(t, got)
                arn = got.get("Target", {}).get("Arn", "")
                if _target_name(arn) != function:
                    differences.append(Difference(f"schedule {t['name']}", "target", function, arn))
                enabled = got.get("State") == "ENABLED"
                changed = got.get("LastModificationDate") or got.get("CreationDate") or since
                expression = got.get("ScheduleExpression", t["expression"])
                zone = got.get("ScheduleExpressionTimezone", "UTC")
            else:
                got = snap.rules.get(t["name"])
                if not got:
                    missing = True
                    continue
                differences += _rule_differences(t, got)
                enabled = got.get("State") == "ENABLED"
                changed = deployed_at
                expression, zone = got.get("ScheduleExpression", t["expression"]), "UTC"
            states.append(enabled)
            if enabled and expression.startswith("cron("):
                start = max(since, changed)
                fired += _fired(expression, zone, start, now - GRACE)
        expected_enabled = any(t["enabled"] for t in triggers)
        if missing:
            status = "missing"
        elif differences:
            status = "drifted"
        elif states and not any(states):
            status = "disabled"
        else:
            status = "ok"
        runs_known = bool(job.get("lock")) or machine is not None
        last_run, missed, failures = _runs(job, snap, fired, since, runs_known)
        jobs.append(
            JobStatus(
                function,
                job["source"],
                status,
                tuple(differences),
                last_run,
                missed,
                failures,
                runs_known,
                expected_enabled,
            )
        )
    prefix = str(doc.get("name_prefix") or "")
    extra = sorted(
        [f"function {n}" for n in snap.functions if n not in accounted_functions]
        + [
            f"schedule {n}"
            for n in snap.schedules
            if n not in accounted_triggers and n.startswith(prefix)
        ]
        + [f"rule {n}" for n in snap.rules if n not in accounted_triggers and n.startswith(prefix)]
    )
    return Report(tuple(jobs), tuple(extra), since, now, snap.lock_table)


def _runs(
    job: dict[str, Any],
    snap: Snapshot,
    fired: Sequence[dt.datetime],
    since: dt.datetime,
    known: bool,
) -> tuple[Run | None, tuple[str, ...], tuple[Run, ...]]:
    if not known:
        return None, (), ()
    claims = snap.claims.get(job["function"], [])
    machine = (job.get("deployed") or {}).get("state_machine")
    if machine is not None:  # a Run Command job: its executions say how its runs ended
        executions = sorted(
            snap.machines.get(machine["name"], {}).get("executions", []),
            key=lambda e: e["startDate"],
        )
        runs = [Run(_iso(e["startDate"]), _SFN.get(e["status"], "failed")) for e in executions]
    else:
        runs = [
            Run(
                str(c["at"]),
                str(c.get("outcome", "running")),
                c.get("exit_status"),
                c.get("duration_ms"),
            )
            for c in claims
        ]
    claimed = {t for c in claims if (t := _parse(str(c["at"]))) is not None}
    if machine is not None and not claims:  # no guard: an execution started for that instant
        starts = sorted(t for r in runs if (t := _parse(r.at)) is not None)
        claimed |= {t for t in fired if any(t <= s < t + STARTED_WITHIN for s in starts)}
    missed = tuple(_iso(t) for t in sorted(set(fired)) if t not in claimed)
    in_window = [r for r in runs if (t := _parse(r.at)) is not None and t >= since]
    failures = tuple(r for r in in_window if r.outcome in ("failed", "timeout"))
    return (runs[-1] if runs else None), missed, failures


def _parse(text: str) -> dt.datetime | None:
    """An API's time (``…Z``, ``…+00:00``, Lambda's ``…+0000``) as an aware datetime."""
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)
