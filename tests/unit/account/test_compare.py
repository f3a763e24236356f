"""``compare`` on account snapshots made from a generated index (no AWS): what the API would
answer for the output as generated is ``ok``; each change names its job and field; runs are
set against the schedules' fire times; the README's JSON example follows the schema."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from typing import Any

import jsonschema
import pytest

from cronmigrate.account.compare import compare
from cronmigrate.account.read import Snapshot
from tests.helpers import ROOT, SAMPLES, generate_into

SCHEMA = json.loads((ROOT / "docs/status.schema.json").read_text())
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:"
DEPLOYED = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
SINCE = NOW - dt.timedelta(hours=24)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("status") / "out"
    generate_into(out, config=str(SAMPLES / "cronmigrate.yaml"))
    doc: dict[str, Any] = json.loads((out / "cronmigrate-jobs.json").read_text())
    return doc


def as_deployed(doc: dict[str, Any]) -> Snapshot:
    """What the Lambda and Scheduler APIs answer for the index's ``deployed`` records."""
    functions, schedules = {}, {}
    for job in doc["jobs"]:
        fn = job["deployed"]["function"]
        if fn is not None:
            functions[fn["name"]] = {
                "FunctionName": fn["name"],
                "CodeSha256": fn["code_sha256"],
                "Runtime": fn["runtime"],
                "Handler": fn["handler"],
                "MemorySize": fn["memory"],
                "Timeout": fn["timeout"],
                "Architectures": [fn["architecture"]],
                "Layers": [{"Arn": a} for a in fn["layers"]],
                "Environment": {"Variables": {**fn["environment"], "EXTRA": "1"}},
                "LastModified": DEPLOYED.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            }
        for t in job["deployed"]["triggers"]:
            attempts, age = t["retry"]
            retry = {"MaximumRetryAttempts": attempts, "MaximumEventAgeInSeconds": age}
            target: dict[str, Any] = {"Arn": ARN + job["function"], "RetryPolicy": retry}
            if t["input"] is not None:
                target["Input"] = t["input"]
            if t["dead_letter"]:
                target["DeadLetterConfig"] = {"Arn": "arn:aws:sqs:eu-west-1:123456789012:dlq"}
            schedules[t["name"]] = {
                "Name": t["name"],
                "ScheduleExpression": t["expression"],
                "ScheduleExpressionTimezone": t["timezone"],
                "State": "ENABLED" if t["enabled"] else "DISABLED",
                "Target": target,
                "LastModificationDate": DEPLOYED,
            }
    return Snapshot(functions, schedules, {}, {}, {}, "cronmigrate-locks")


def _fires(doc: dict[str, Any], function: str) -> list[str]:
    report = compare(doc, as_deployed(doc), SINCE, NOW)
    (job,) = [j for j in report.jobs if j.function == function]
    return list(job.missed)  # nothing claimed: every fire in the window is missed


def test_the_output_as_generated_is_ok(index: dict[str, Any]) -> None:
    snap = as_deployed(index)
    claims = {}
    for job in index["jobs"]:
        claims[job["function"]] = [{"at": t, "outcome": "ok", "exit_status": 0}
                                   for t in _fires(index, job["function"])]  # fmt: skip
    report = compare(index, snap._replace(claims=claims), SINCE, NOW)
    assert [(j.function, j.status, j.differences, j.missed) for j in report.jobs if not
            (j.status == "ok" and not j.missed)] == []  # fmt: skip
    assert report.ok and report.extra == ()
    jsonschema.validate(report.to_json(), SCHEMA)


def test_each_change_names_its_job_and_field(index: dict[str, Any]) -> None:
    snap = as_deployed(index)
    jobs = [j for j in index["jobs"] if j["deployed"]["function"] and j["deployed"]["triggers"]]
    bigger, gone, off, elsewhere = (j["function"] for j in jobs[:4])
    functions, schedules = copy.deepcopy(snap.functions), copy.deepcopy(snap.schedules)
    functions[bigger]["MemorySize"] = 256
    functions[bigger]["Environment"]["Variables"]["CRONMIGRATE_TIMEOUT"] = "60"
    for name in [t["name"] for t in jobs[1]["deployed"]["triggers"]]:
        del schedules[name]
    for t in jobs[2]["deployed"]["triggers"]:
        schedules[t["name"]]["State"] = "DISABLED"
    first = jobs[3]["deployed"]["triggers"][0]["name"]
    schedules[first]["Target"]["Arn"] = ARN + "someone-else"
    functions["cron-stray"] = {"FunctionName": "cron-stray"}
    report = compare(index, snap._replace(functions=functions, schedules=schedules), SINCE, NOW)
    by = {j.function: j for j in report.jobs}
    assert {f for f, j in by.items() if j.status != "ok"} == {bigger, gone, off, elsewhere}
    assert by[bigger].status == "drifted"
    assert {(d.field, d.generated, d.deployed) for d in by[bigger].differences} == {
        ("memory", 128, 256), ("environment.CRONMIGRATE_TIMEOUT", "900", "60")}  # fmt: skip
    assert by[gone].status == "missing" and by[off].status == "disabled"
    assert [(d.resource, d.field) for d in by[elsewhere].differences] == [
        (f"schedule {first}", "target")]  # fmt: skip
    assert report.extra == ("function cron-stray",) and not report.ok
    assert by[off].missed == ()  # a disabled schedule fires nothing


def test_an_unclaimed_instant_is_missed_and_a_failure_is_listed(index: dict[str, Any]) -> None:
    (hourly,) = [j for j in index["jobs"] if j["cron"] == "17 * * * *"]
    fires = _fires(index, hourly["function"])
    assert fires[0] == "2026-11-24T12:17:00Z" and len(fires) == 24  # since the deployment
    claims = [{"at": t, "outcome": "ok", "exit_status": 0, "duration_ms": 900} for t in fires]
    claims[3] |= {"outcome": "failed", "exit_status": 2}
    del claims[7]
    snap = as_deployed(index)._replace(claims={hourly["function"]: claims})
    (job,) = [j for j in compare(index, snap, SINCE, NOW).jobs if j.function == hourly["function"]]
    assert job.missed == (fires[7],)
    assert [(f.at, f.exit_status) for f in job.failures] == [(fires[3], 2)]
    assert job.last_run is not None and job.last_run.at == fires[-1]


def test_a_schedule_changed_since_is_checked_from_its_change(index: dict[str, Any]) -> None:
    (hourly,) = [j for j in index["jobs"] if j["cron"] == "17 * * * *"]
    snap = as_deployed(index)
    name = hourly["deployed"]["triggers"][0]["name"]
    snap.schedules[name]["LastModificationDate"] = NOW - dt.timedelta(hours=3)
    (job,) = [j for j in compare(index, snap, SINCE, NOW).jobs if j.function == hourly["function"]]
    assert job.missed == ("2026-11-25T09:17:00Z", "2026-11-25T10:17:00Z", "2026-11-25T11:17:00Z")


def test_the_readme_example_follows_the_schema() -> None:
    text = (ROOT / "README.md").read_text()
    found = re.search(r'```json\n(\{"schema_version": 1, "since".*?)```', text, re.S)
    assert found is not None
    jsonschema.validate(json.loads(found.group(1)), SCHEMA)
