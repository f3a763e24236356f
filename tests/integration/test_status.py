"""``cronmigrate status`` and ``cutover``'s check against moto's server: the samples deployed
with the generated CloudFormation script and with Terraform, then changed behind the tool's
back through the API; runs claimed in the guard's table as the runtime claims them."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.helpers import ROOT, SAMPLES, generate_into, run_cli
from tests.helpers.emulator import Emulator, deploy, emulator, provide_layers, terraform_apply

CASE: dict[str, Any] = {"config": str(SAMPLES / "cronmigrate.yaml")}


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with emulator() as aws:
        for k in [k for k in os.environ if k.startswith("AWS_")]:
            monkeypatch.delenv(k)
        for k, v in aws.env.items():
            monkeypatch.setenv(k, v)
        yield aws


def _status(out: Path, *args: str) -> tuple[int, dict[str, Any]]:
    res = run_cli("status", str(out), "--format", "json", *args)
    assert res.returncode in (0, 1), res.stderr
    doc = json.loads(res.stdout)
    jsonschema.validate(doc, SCHEMA)  # as documented
    return res.returncode, doc


SCHEMA = json.loads((ROOT / "docs/status.schema.json").read_text())


def _jobs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {j["function"]: j for j in doc["jobs"]}


def _generated(tmp_path: Path) -> tuple[Path, Any]:
    out = tmp_path / "out"
    deployment = generate_into(out, **CASE)
    return out, deployment


def test_status_finds_the_deployment_as_generated_then_names_each_change(
    tmp_path: Path, account: Emulator
) -> None:
    out, deployment = _generated(tmp_path)
    provide_layers(account, {arn for j in deployment.jobs for arn in j.settings.layers})
    deploy(account, out, "cronmigrate-status")
    code, doc = _status(out)
    assert code == 0, [(j["function"], j["status"], j["differences"]) for j in doc["jobs"]]
    assert {j["status"] for j in doc["jobs"]} == {"ok"} and doc["extra"] == []
    assert len(doc["jobs"]) == len(deployment.jobs)

    # behind the tool's back: one schedule deleted, one's expression changed, one disabled
    scheduler = account.client("scheduler")
    owner = _owners(out)  # schedule → its job's function
    firsts = sorted({f: n for n, f in sorted(owner.items(), reverse=True)}.values())
    gone, changed, off = firsts[0], firsts[1], firsts[2]  # three jobs' schedules
    scheduler.delete_schedule(Name=gone)
    for name, change in ((changed, {"ScheduleExpression": "cron(1 2 * * ? *)"}),
                         (off, {"State": "DISABLED"})):  # fmt: skip
        s = scheduler.get_schedule(Name=name)
        keep = ("Name", "ScheduleExpression", "ScheduleExpressionTimezone", "Target", "State",
                "FlexibleTimeWindow", "Description")  # fmt: skip
        scheduler.update_schedule(**({k: s[k] for k in keep if k in s} | change))
    code, doc = _status(out)
    assert code == 1
    not_ok = {f: j for f, j in _jobs(doc).items() if j["status"] != "ok"}
    assert set(not_ok) == {owner[gone], owner[changed], owner[off]}
    by_schedule = {n: not_ok[owner[n]] for n in (gone, changed, off)}
    assert by_schedule[gone]["status"] == "missing"
    assert by_schedule[changed]["status"] == "drifted"
    (diff,) = by_schedule[changed]["differences"]
    assert diff["field"] == "expression" and diff["deployed"] == "cron(1 2 * * ? *)"
    assert by_schedule[off]["status"] == "disabled"
    text = run_cli("status", str(out))
    assert text.returncode == 1 and "missing" in text.stdout and "drifted" in text.stdout


def _owners(out: Path) -> dict[str, str]:
    index = json.loads((out / "cronmigrate-jobs.json").read_text())
    return {t["name"]: j["function"] for j in index["jobs"] for t in j["deployed"]["triggers"]}


def test_runs_claimed_show_as_last_runs_and_an_unclaimed_one_as_missed(
    tmp_path: Path, account: Emulator
) -> None:
    tab = tmp_path / "tab"
    # the daily job's hour is 12 hours away: nothing of it is due in the window looked at
    hour = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=12)).hour
    tab.write_text(f"*/20 * * * * echo every twenty minutes\n0 {hour} * * * echo daily\n")
    out = tmp_path / "out"
    generate_into(out, [str(tab)], cwd=tmp_path, root=tmp_path, timezone="UTC")
    deploy(account, out, "cronmigrate-runs")
    index = json.loads((out / "cronmigrate-jobs.json").read_text())
    (often,) = [j["function"] for j in index["jobs"] if j["cron"].startswith("*/20")]
    fn = account.client("lambda").get_function_configuration(FunctionName=often)
    table = fn["Environment"]["Variables"]["CRONMIGRATE_LOCK_TABLE"]
    # an hour and a half from now, as if the schedules had been firing since they were made
    start = dt.datetime.now(dt.UTC)
    now = start + dt.timedelta(minutes=90)
    due = []
    t = start.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    while t <= now - dt.timedelta(minutes=2):
        if t.minute % 20 == 0:
            due.append(t)
        t += dt.timedelta(minutes=1)
    assert len(due) >= 3
    ddb = account.client("dynamodb")
    for i, at in enumerate(due[:-1]):  # the runtime's claims; the last one never came
        stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        item = {"pk": {"S": f"{often}#{stamp}"}, "expires": {"N": "9999999999"}}
        if i == 0:
            item |= {"outcome": {"S": "failed"}, "exit_status": {"N": "2"}}
        else:
            item |= {"outcome": {"S": "ok"}, "exit_status": {"N": "0"}}
        item |= {"duration_ms": {"N": "1200"}, "ended": {"S": stamp}}
        ddb.put_item(TableName=table, Item=item)
    code, doc = _status(out, "--now", now.isoformat(), "--since", "2h")
    assert code == 1
    job = _jobs(doc)[often]
    assert job["status"] == "ok"
    assert job["missed"] == [due[-1].strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert job["last_run"]["at"] == due[-2].strftime("%Y-%m-%dT%H:%M:%SZ")
    assert job["last_run"]["outcome"] == "ok" and job["last_run"]["duration_ms"] == 1200
    assert [f["exit_status"] for f in job["failures"]] == [2]
    daily = next(j for f, j in _jobs(doc).items() if f != often)
    assert daily["missed"] == [] and daily["last_run"] is None


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_status_after_terraform(tmp_path: Path, account: Emulator) -> None:
    out, deployment = _generated(tmp_path)
    provide_layers(account, {arn for j in deployment.jobs for arn in j.settings.layers})
    terraform_apply(account, out / "terraform", tmp_path)
    code, doc = _status(out)
    assert code == 0, [(j["function"], j["status"], j["differences"]) for j in doc["jobs"]]
    assert doc["lock_table"] == "cronmigrate-locks"


def test_access_problems_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = _generated(tmp_path)
    for k in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    res = run_cli("status", str(out))
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "cannot reach" in res.stderr
    res = run_cli("status", str(tmp_path))
    assert res.returncode == 2 and "not a directory written by" in res.stderr


def _deployed_disabled(tmp_path: Path, account: Emulator) -> tuple[Path, Path, dict[str, str]]:
    """Two jobs generated with their schedules disabled (the switch-over's first step) and
    deployed with the generated CloudFormation script."""
    tab = tmp_path / "tab"
    tab.write_text("0 3 * * * echo nightly\n30 4 * * 1 echo weekly\n")
    (tmp_path / "cronmigrate.yaml").write_text("defaults:\n  enabled: false\n")
    out = tmp_path / "out"
    generate_into(
        out,
        [str(tab)],
        cwd=tmp_path,
        root=tmp_path,
        timezone="UTC",
        config=str(tmp_path / "cronmigrate.yaml"),
    )
    deploy(account, out, "cronmigrate-cutover")
    index = json.loads((out / "cronmigrate-jobs.json").read_text())
    by_line = {j["line"]: j["function"] for j in index["jobs"]}
    return tab, out, {"nightly": by_line[1], "weekly": by_line[2]}


NOON = "2026-12-07T12:00:00+00:00"  # far from both jobs' next runs


def test_cutover_keeps_the_line_of_a_job_whose_schedule_is_gone(
    tmp_path: Path, account: Emulator
) -> None:
    tab, _, fn = _deployed_disabled(tmp_path, account)
    account.client("scheduler").delete_schedule(Name=fn["weekly"])
    res = run_cli("cutover", "tab", "--out", "out", "--root", ".", "--now", NOON, cwd=tmp_path)
    assert res.returncode == 1
    assert f"{fn['weekly']}: not switched: not in the account" in res.stderr
    lines = tab.read_text().splitlines()
    assert lines[0].startswith(f"#cronmigrate:{fn['nightly']}:")  # deployed: switched
    assert lines[1] == "30 4 * * 1 echo weekly"  # its schedule is gone: it stays on cron


def test_cutover_enable_switches_the_schedules_and_undo_switches_back(
    tmp_path: Path, account: Emulator
) -> None:
    tab, out, fn = _deployed_disabled(tmp_path, account)
    before = tab.read_bytes()
    scheduler = account.client("scheduler")

    def states() -> set[str]:
        return {scheduler.get_schedule(Name=n)["State"] for n in fn.values()}

    assert states() == {"DISABLED"}
    code, doc = _status(out)
    assert {j["status"] for j in doc["jobs"]} == {"disabled"} and code == 0  # as generated
    res = run_cli(
        "cutover", "tab", "--out", "out", "--root", ".", "--enable", "--now", NOON, cwd=tmp_path
    )
    assert res.returncode == 0, res.stderr
    assert states() == {"ENABLED"}
    assert all(line.startswith("#cronmigrate:") for line in tab.read_text().splitlines())
    assert f"enabled {fn['nightly']}" in res.stdout
    code, doc = _status(out)
    assert {j["status"] for j in doc["jobs"]} == {"ok"}
    undo = run_cli("cutover", "tab", "--out", "out", "--root", ".", "--undo", cwd=tmp_path)
    assert undo.returncode == 0, undo.stderr
    assert states() == {"DISABLED"} and tab.read_bytes() == before


def test_enable_waits_for_a_run_cron_is_about_to_make(tmp_path: Path) -> None:
    """A job cron runs within a minute is switched after that run (no run missed, none
    twice); the others at once."""
    from cronmigrate.commands.cutover import switch

    tab = tmp_path / "tab"
    tab.write_text("0 3 * * * echo nightly\n30 4 * * 1 echo weekly\n")
    generate_into(tmp_path / "out", [str(tab)], cwd=tmp_path, root=tmp_path, timezone="UTC")
    start = dt.datetime(2026, 12, 7, 2, 59, 30, tzinfo=dt.UTC)  # 30 s before the nightly run
    slept: list[float] = []
    seen: list[str] = []

    def sleep(seconds: float) -> None:
        seen.append(tab.read_text().splitlines()[0])  # the nightly line while waiting
        slept.append(seconds)

    done = switch(
        [str(tab)],
        tmp_path / "out",
        now=start.isoformat(),
        root=tmp_path,
        check=False,
        enable=True,
        sleep=sleep,
        clock=lambda: start,
    )
    assert slept == [35.0]  # until 5 s after cron's 03:00 run
    assert seen == ["0 3 * * * echo nightly"]  # still cron's while it ran
    assert [j.source.rsplit(":", 1)[1] for j in done.switched] == ["2", "1"]
    assert all(line.startswith("#cronmigrate:") for line in tab.read_text().splitlines())
