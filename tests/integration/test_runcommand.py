"""The Run Command target: state machines validated by real tools, commands escaped right,
the plan's recommendation, and Lambda and Run Command jobs side by side."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cronmigrate.crontab.model import CrontabKind
from cronmigrate.crontab.parse import parse_crontab
from cronmigrate.deploy.jobs import DeployJob
from cronmigrate.deploy.stack import LOG_DELIVERY
from cronmigrate.deploy.statemachine import definition, script
from cronmigrate.diagnostics import Diagnostic, Severity, SourceLocation
from cronmigrate.plan.build import PlanOptions, build_plan, recommend_target
from cronmigrate.plan.identity import logical_id
from cronmigrate.settings import JobSettings
from tests.helpers import ROOT, SAMPLES, generate_into, run_cli
from tests.helpers.iac import (
    cfn_lint_all,
    cfn_resources,
    sam_resources,
    terraform_resources,
    types_of,
)

SERVER = SAMPLES / "server-root"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mixed") / "out"
    generate_into(
        out, ["etc/cron.d/app"], cwd=SERVER, root=SERVER, config=str(SERVER / "cronmigrate.yaml")
    )
    return out


def test_mixed_output_passes_the_real_tools(mixed: Path) -> None:
    res = cfn_lint_all(mixed)
    assert res.returncode == 0, res.stdout  # cfn-lint validates the ASL too (E3601)
    cfn = cfn_resources(mixed)
    kinds = types_of(cfn)
    assert kinds["AWS::StepFunctions::StateMachine"] == 1
    assert kinds["AWS::Lambda::Function"] == 7  # 9 jobs: 1 on its server, 1 that does nothing
    sam = types_of(sam_resources(mixed))
    assert sam == kinds
    tf = {k: len(v) for k, v in terraform_resources(mixed / "terraform").items()}
    assert tf["aws_sfn_state_machine"] == 1
    assert tf["aws_lambda_function"] == 7
    assert tf["aws_scheduler_schedule"] == kinds["AWS::Scheduler::Schedule"]
    assert not list(mixed.glob("functions/backup-db*"))  # no Lambda code for it
    for name, generated in (
        ("statemachine-backup-db.asl.json", "statemachines/backup-db.asl.json"),
        ("mixed-cloudformation.yaml", "cloudformation.yaml"),
        ("mixed-stack-cron-d-app.yaml", "stacks/cron-d-app.yaml"),
        ("mixed-files.txt", None),
    ):
        golden = ROOT / "tests/golden" / name
        if generated is None:
            actual = "".join(
                f"{p.relative_to(mixed)}\n" for p in sorted(mixed.rglob("*")) if p.is_file()
            )
        else:
            actual = (mixed / generated).read_text()
        if os.environ.get("UPDATE_GOLDEN"):
            golden.write_text(actual)
        assert actual == golden.read_text(), f"{name}: UPDATE_GOLDEN=1 pytest, review the diff"


def _asl_validator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    local = ROOT / ".ci/node/node_modules/.bin/asl-validator"
    if local.exists():
        return local
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: .ci/run installs asl-validator and runs this")
    prefix = tmp_path_factory.mktemp("npm")
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--no-save",
            "--no-audit",
            "--no-fund",
            "asl-validator@4.0.0",  # the version .ci/run pins
        ],
        check=True,
        capture_output=True,
    )
    return prefix / "node_modules/.bin/asl-validator"


def test_state_machine_passes_asl_validator(
    mixed: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    validator = _asl_validator(tmp_path_factory)
    for path in sorted(mixed.glob("statemachines/*.asl.json")):
        res = subprocess.run(
            [str(validator), "--json-path", str(path)], capture_output=True, text=True, check=False
        )
        assert res.returncode == 0, res.stdout + res.stderr


def test_least_privilege_for_the_state_machine(mixed: Path) -> None:
    cfn = cfn_resources(mixed)
    role = cfn["BackupDbStateMachineRole"]["Properties"]
    statements = role["Policies"][0]["PolicyDocument"]["Statement"]
    by_action: dict[str, list[Any]] = {}
    for st in statements:
        by_action.setdefault(str(st["Action"]), []).append(st)
    assert set(by_action) == {
        "ssm:SendCommand",
        "ssm:ListCommands",
        "sns:Publish",
        "dynamodb:PutItem",
        str(["kms:GenerateDataKey", "kms:Decrypt"]),  # the topics' key, through SNS only
        str(list(LOG_DELIVERY)),  # its execution log
    }
    document, instances = by_action["ssm:SendCommand"]
    assert document["Resource"]["Fn::Sub"].endswith(":document/AWS-RunShellScript")
    assert instances["Condition"] == {
        "StringEquals": {"ssm:resourceTag/cronmigrate:target": "app-1"}
    }
    # One scheduler role per group (nested stack): it may start exactly the group's state
    # machine and invoke exactly the group's functions.
    scheduler = cfn["JobsCronDAppSchedulerRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    invoke, start, dead_letters = scheduler["Statement"]
    assert dead_letters == {
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]},
    }
    assert start == {
        "Effect": "Allow",
        "Action": "states:StartExecution",
        "Resource": {"Ref": "BackupDbStateMachine"},
    }
    functions = sorted(k for k, r in cfn.items() if r["Type"] == "AWS::Lambda::Function")
    assert invoke["Action"] == "lambda:InvokeFunction"
    assert sorted(r["Fn::GetAtt"][0] for r in invoke["Resource"]) == functions
    schedule = cfn["BackupDbSchedule"]["Properties"]
    assert schedule["Target"]["Arn"] == {"Ref": "BackupDbStateMachine"}
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"


def test_the_command_comes_from_the_definition_not_the_event(mixed: Path) -> None:
    doc = json.loads((mixed / "statemachines/backup-db.asl.json").read_text())
    send = doc["States"]["Send"]["Parameters"]
    assert "commands" in send["Parameters"]
    assert not any(k.endswith(".$") for k in send["Parameters"])  # nothing taken from input
    assert doc["StartAt"] == "Claim"
    claim = doc["States"]["Claim"]
    assert claim["Catch"][0]["ErrorEquals"] == ["DynamoDB.ConditionalCheckFailedException"]


def _job(line: str, **settings: object) -> DeployJob:
    (cron,) = parse_crontab(line, "tab", CrontabKind.USER).jobs
    plan = build_plan(["-"], PlanOptions(forced_kind=CrontabKind.USER), stdin_text=line)
    js = JobSettings(target="runcommand", instances=("i-0123456789abcdef0",), **settings)  # type: ignore[arg-type]
    return DeployJob(
        plan=plan.jobs[0],
        key="t",
        function_name="cron-t",
        logical_id=logical_id("t"),
        settings=js,
        command=cron.command,
        bundle=(),
        schedules=plan.jobs[0].translation.schedules,
        target="runcommand",
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "0 3 * * * printf '[\\%s]' \"it's\" '$HOME' 'a\\\\b' \"x\\\"y\"\n",
            "[it's][$HOME][a\\b][x\"y]",
        ),
        ('GREETING=hi there\n0 3 * * * echo "$GREETING" ${GREETING}\n', "hi there hi there\n"),
        ("0 3 * * * cat%line one%it's \\%done\n", "line one\nit's %done\n"),
        ("0 3 * * * printf '\\%s' \"$(echo '\\\\\\\\')\"\n", "\\"),
    ],
)
def test_commands_survive_json_and_the_shell(line: str, expected: str, tmp_path: Path) -> None:
    """The script, read back from the JSON definition, runs the command as cron would."""
    job = _job(line)
    doc = json.loads(json.dumps(definition(job)))
    lines = doc["States"]["Send"]["Parameters"]["Parameters"]["commands"]
    assert "\n".join(lines) + "\n" == script(job)
    res = subprocess.run(
        ["bash", "-c", "\n".join(lines)], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout == expected


def test_instances_by_id_and_by_tag() -> None:
    by_id = definition(_job("0 3 * * * true\n"))["States"]["Send"]["Parameters"]
    assert by_id["InstanceIds"] == ["i-0123456789abcdef0"]
    job = _job("0 3 * * * true\n")
    job = dataclasses.replace(
        job, settings=JobSettings(target="runcommand", instances=("tag:Role=batch",))
    )
    by_tag = definition(job)["States"]["Send"]["Parameters"]
    assert by_tag["Targets"] == [{"Key": "tag:Role", "Values": ["batch"]}]


def _finding(code: str, severity: Severity = Severity.WARNING) -> Diagnostic:
    return Diagnostic(code, severity, "x", SourceLocation("tab", 1))


@pytest.mark.parametrize(
    ("codes", "recommended"),
    [
        ([("CM504", Severity.WARNING)], "longer than 15 minutes"),
        ([("CM503", Severity.WARNING)], "a service on the server"),
        ([("CM502", Severity.WARNING)], "writes to the server's disk"),
        ([("CM512", Severity.WARNING)], "files on the server"),
        ([("CM501", Severity.WARNING)], "a tool the runtime lacks"),
        ([("CM501", Severity.INFO)], None),  # run-parts, replaced: Lambda is fine
        ([("CM505", Severity.WARNING)], None),  # sudo alone does not need the server
        ([("CM506", Severity.INFO)], None),
        ([], None),
    ],
)
def test_plan_recommends_runcommand(
    codes: list[tuple[str, Severity]], recommended: str | None
) -> None:
    (job,) = parse_crontab("0 3 * * * /x\n", "tab", CrontabKind.USER).jobs
    found = recommend_target(job, [_finding(c, s) for c, s in codes])
    if recommended is None:
        assert found == []
    else:
        (d,) = found
        assert d.code == "CM601" and recommended in d.message


def test_runcommand_without_instances_is_not_generated(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("0 3 * * * /bin/true\n")
    (tmp_path / "c.yaml").write_text("defaults:\n  target: runcommand\n")
    res = run_cli("generate", "tab", "--user", "-c", "c.yaml", "-o", "out", cwd=tmp_path)
    assert res.returncode == 1
    assert "tab:1: CM602 error: not generated: target runcommand needs instances" in res.stderr


def test_target_default_flag(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("0 3 * * * /bin/true\n")
    (tmp_path / "c.yaml").write_text('defaults:\n  instances: ["tag:Name=web-1"]\n')
    res = run_cli(
        "generate",
        "tab",
        "--user",
        "-c",
        "c.yaml",
        "-o",
        "out",
        "--target-default",
        "runcommand",
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert "0 functions, 1 Run Command state machines" in res.stdout
    assert len(list((tmp_path / "out/statemachines").glob("*.asl.json"))) == 1
