"""Read a deployment's resources from the account with boto3: functions, schedules, rules,
state machines and their executions, and the duplicate guard's claims.

Standard credentials, region and endpoints (``AWS_PROFILE``, ``AWS_REGION``,
``AWS_ENDPOINT_URL`` and ``AWS_ENDPOINT_URL_<SERVICE>``: boto3 reads them). List calls are
paginated and filtered by the deployment's name prefix; the calls that read one resource
(a schedule's definition, a rule's targets, a machine's executions) run on a thread pool
(botocore clients are thread-safe). Errors become one line with exit code 2.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar

from cronmigrate.errors import CronmigrateError

T = TypeVar("T")
R = TypeVar("R")
WORKERS = 16


class AccountError(CronmigrateError):
    """The account could not be read: no credentials, access denied, no endpoint."""

    exit_code = 2


class Snapshot(NamedTuple):
    functions: dict[str, dict[str, Any]]  # name → GetFunctionConfiguration's fields
    schedules: dict[str, dict[str, Any]]  # name → GetSchedule (expected ones), or {} (extra)
    rules: dict[str, dict[str, Any]]  # name → the rule, with its "Targets"
    machines: dict[str, dict[str, Any]]  # name → {"arn", "executions": [...]}
    claims: dict[str, list[dict[str, Any]]]  # job → its claim items, oldest first
    lock_table: str | None  # the guard's table (from a function's environment)


class Clients:
    """One boto3 session's clients, made on first use (lint never imports boto3)."""

    def __init__(self) -> None:
        import boto3  # noqa: PLC0415  # status and cutover only: start-up time of the rest
        from botocore.config import Config  # noqa: PLC0415

        # AWS_REGION as the other SDKs read it, where boto3 reads only AWS_DEFAULT_REGION
        self._session = boto3.session.Session()
        if self._session.region_name is None and os.environ.get("AWS_REGION"):
            self._session = boto3.session.Session(region_name=os.environ["AWS_REGION"])
        self._config = Config(
            retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=WORKERS * 2
        )
        self._made: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._made:
            self._made[service] = call(
                f"{service} client", self._session.client, service, config=self._config
            )
        return self._made[service]


def call(what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """One AWS call; its failure as one line (exit 2), a missing resource as None."""
    from botocore import exceptions  # noqa: PLC0415

    try:
        return fn(*args, **kwargs)
    except exceptions.NoCredentialsError:
        raise AccountError(
            "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (and AWS_REGION)"
        ) from None
    except exceptions.NoRegionError:
        raise AccountError("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION)") from None
    except exceptions.EndpointConnectionError as exc:
        raise AccountError(f"{what}: cannot reach {exc.kwargs.get('endpoint_url')}") from None
    except exceptions.ClientError as exc:
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        if code in ("ResourceNotFoundException", "ResourceNotFound", "StateMachineDoesNotExist"):
            raise _Missing from None
        if "AccessDenied" in code or code in ("UnauthorizedOperation", "AuthFailure"):
            raise AccountError(f"access denied to {what}: {err.get('Message', code)}") from None
        raise AccountError(f"{what}: {code}: {err.get('Message', '')}") from None


class _Missing(Exception):
    """The resource a call named does not exist."""


def _pages(what: str, client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    pages = client.get_paginator(operation).paginate(**kwargs)
    iterator = iter(pages)
    while True:
        try:
            page = call(what, next, iterator)
        except StopIteration:
            return
        yield from page.get(key, [])


def _each(
    items: Iterable[T], fn: Callable[[T], R], tick: Callable[[], None] | None = None
) -> list[tuple[T, R | None]]:
    """``fn`` on each item on the pool; None where the resource is missing."""

    def one(item: T) -> tuple[T, R | None]:
        try:
            return item, fn(item)
        except _Missing:
            return item, None
        finally:
            if tick is not None:
                tick()

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(one, list(items)))


def read(
    doc: dict[str, Any],
    since: dt.datetime,
    clients: Clients | None = None,
    tick: Callable[[], None] | None = None,
) -> Snapshot:
    """Everything `status` compares, for the jobs of the index ``doc`` (and what else carries
    its name prefix)."""
    c = clients or Clients()
    prefix = str(doc.get("name_prefix") or "")
    jobs = doc["jobs"]
    functions = {
        f["FunctionName"]: f
        for f in _pages("lambda:ListFunctions", c("lambda"), "list_functions", "Functions")
        if f["FunctionName"].startswith(prefix)
    }
    wanted_schedules = {
        t["name"]
        for j in jobs
        for t in (j.get("deployed") or {}).get("triggers", [])
        if t["kind"] == "schedule"
    }
    wanted_rules = {
        t["name"]
        for j in jobs
        for t in (j.get("deployed") or {}).get("triggers", [])
        if t["kind"] == "rule"
    }
    scheduler = c("scheduler")
    listed = {
        s["Name"]
        for s in _pages(
            "scheduler:ListSchedules", scheduler, "list_schedules", "Schedules", NamePrefix=prefix
        )
    }
    schedules: dict[str, dict[str, Any]] = {name: {} for name in listed - wanted_schedules}
    found = _each(
        sorted(listed & wanted_schedules),
        lambda n: call("scheduler:GetSchedule", scheduler.get_schedule, Name=n),
        tick,
    )
    schedules.update({n: s for n, s in found if s is not None})
    rules: dict[str, dict[str, Any]] = {}
    if wanted_rules or prefix:
        events = c("events")
        listed_rules = {
            r["Name"]: r
            for r in _pages("events:ListRules", events, "list_rules", "Rules", NamePrefix=prefix)
        }
        targets = _each(
            sorted(set(listed_rules) & wanted_rules),
            lambda n: call("events:ListTargetsByRule", events.list_targets_by_rule, Rule=n).get(
                "Targets", []
            ),
            tick,
        )
        for name, rule in listed_rules.items():
            rules[name] = dict(rule)
        for name, t in targets:
            rules[name]["Targets"] = t or []
    machines: dict[str, dict[str, Any]] = {}
    wanted_machines = {
        j["deployed"]["state_machine"]["name"]
        for j in jobs
        if (j.get("deployed") or {}).get("state_machine")
    }
    if wanted_machines:
        sfn = c("stepfunctions")
        for m in _pages("states:ListStateMachines", sfn, "list_state_machines", "stateMachines"):
            if m["name"] in wanted_machines:
                machines[m["name"]] = {"arn": m["stateMachineArn"], "executions": []}
        runs = _each(
            sorted(machines),
            lambda n: call(
                "states:ListExecutions",
                sfn.list_executions,
                stateMachineArn=machines[n]["arn"],
                maxResults=100,
            ).get("executions", []),
            tick,
        )
        for name, executions in runs:
            machines[name]["executions"] = [e for e in executions or [] if e["startDate"] >= since]
    table = next(
        (
            f.get("Environment", {}).get("Variables", {}).get("CRONMIGRATE_LOCK_TABLE")
            for f in functions.values()
            if f.get("Environment", {}).get("Variables", {}).get("CRONMIGRATE_LOCK_TABLE")
        ),
        None,
    )
    claims = _claims(c, table) if table else {}
    return Snapshot(functions, schedules, rules, machines, claims, table)


def _claims(c: Clients, table: str) -> dict[str, list[dict[str, Any]]]:
    """The guard's items by job: ``{"at": scheduled time, "outcome", "exit_status",
    "duration_ms", "ended"}`` (the last four once the runtime recorded the run)."""
    out: dict[str, list[dict[str, Any]]] = {}
    ddb = c("dynamodb")
    try:
        items = list(_pages("dynamodb:Scan", ddb, "scan", "Items", TableName=table))
    except _Missing:
        return out
    for item in items:
        job, sep, when = item["pk"]["S"].rpartition("#")
        if not sep:
            continue
        claim: dict[str, Any] = {"at": when}
        for key in ("outcome", "ended"):
            if key in item:
                claim[key] = item[key]["S"]
        for key in ("exit_status", "duration_ms"):
            if key in item:
                claim[key] = int(item[key]["N"])
        out.setdefault(job, []).append(claim)
    for runs in out.values():
        runs.sort(key=lambda r: str(r["at"]))
    return out
