"""Edits of a migrated crontab, deployed: the first version deployed on moto's server (the
generated deploy-cloudformation.sh; terraform apply), the crontab edited, generated again
into the same directory and deployed again. Kept jobs are the same functions; the changed
schedule has its new expression; the removed job is gone; terraform proposes no destroy and
no create for a kept job."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from cronmigrate.plan.identity import logical_id
from tests.helpers.edits import BEFORE, EDITED, index, run, server
from tests.helpers.emulator import (
    BUCKET,
    complete_stack,
    deployed_stacks,
    emulator,
    remove_skipped,
    template_of,
    terraform_apply,
)
from tests.helpers.iac import cfn_resources

# What CloudFormation replaces a resource for when it changes ("Update requires:
# Replacement" in each type's reference): a kept job must keep every one of them.
REPLACING = {
    "AWS::Lambda::Function": ("FunctionName",),
    "AWS::Logs::LogGroup": ("LogGroupName",),
    "AWS::Scheduler::Schedule": ("Name", "GroupName"),
    "AWS::CloudWatch::Alarm": ("AlarmName",),
    "AWS::Lambda::EventInvokeConfig": ("FunctionName", "Qualifier"),
    "AWS::IAM::Role": ("RoleName", "Path"),
}


def _deploy(aws: Any, out: Path) -> None:
    res = subprocess.run(
        ["bash", str(out / "deploy-cloudformation.sh"), BUCKET, "cron-edits"],
        capture_output=True,
        text=True,
        env=aws.subprocess_env(),
        timeout=600,
        check=False,
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    cfn = aws.client("cloudformation")
    for name in deployed_stacks(aws, "cron-edits").values():
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        assert status in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), (name, status)
        complete_stack(aws, name, template_of(aws, name))


def _functions(aws: Any) -> set[str]:
    pages = aws.client("lambda").get_paginator("list_functions").paginate()
    return {f["FunctionName"] for page in pages for f in page["Functions"]}


def _schedules(aws: Any) -> dict[str, str]:
    scheduler = aws.client("scheduler")
    names = [s["Name"] for s in scheduler.list_schedules()["Schedules"]]
    return {n: scheduler.get_schedule(Name=n)["ScheduleExpression"] for n in names}


def test_redeployed_with_cloudformation_kept_jobs_are_updated_not_replaced(
    tmp_path: Path,
) -> None:
    root, out = server(tmp_path), tmp_path / "out"
    run(root, BEFORE, out)
    before, first = index(out), cfn_resources(out)
    with emulator() as aws:
        aws.client("s3").create_bucket(Bucket=BUCKET)
        _deploy(aws, out)
        assert _functions(aws) == {j["function"] for j in before.values()}
        outcome = run(root, EDITED, out)
        after, second = index(out), cfn_resources(out)
        _deploy(aws, out)
        remove_skipped(aws, first, second)
        names = {j["function"] for j in after.values()}
        assert _functions(aws) == names
        kept = {j["function"] for j in before.values()} & names
        assert len(kept) == 5  # all but clean.sh
        assert outcome.changes is not None
        (removed,) = outcome.changes.removed
        assert removed.function not in _functions(aws)  # the removed job is gone
        report = next(j for j in after.values() if j["identity"]["command"] == "/opt/report.sh")
        schedules = _schedules(aws)
        assert schedules[report["function"]] == "cron(0 4 * * ? *)"  # its new schedule
        assert removed.function not in schedules
    # CloudFormation updates, never replaces, what a kept job has: same logical ids, and
    # none of the properties whose change means a replacement differs.
    kept_keys = [j["key"] for j in before.values() if j["function"] in kept]
    kept_ids = {i for i in first if any(i.startswith(logical_id(k)) for k in kept_keys)}
    assert len(kept_ids) >= 5 * 5  # log group, role, function, invoke config, alarm, schedule
    assert kept_ids <= set(second)
    for logical in kept_ids:
        kind = first[logical]["Type"]
        for prop in REPLACING.get(kind, ()):
            was, now = first[logical]["Properties"], second[logical]["Properties"]
            assert was.get(prop) == now.get(prop), (logical, prop)


def test_terraform_plans_no_destroy_and_no_create_for_a_kept_job(tmp_path: Path) -> None:
    root, out = server(tmp_path), tmp_path / "out"
    run(root, BEFORE, out)
    before = index(out)
    with emulator() as aws:
        terraform_apply(aws, out / "terraform", tmp_path)
        run(root, EDITED, out)  # the state and .terraform/ stay: not cronmigrate's files
        assert (out / "terraform/base/terraform.tfstate").is_file()
        text = terraform_apply(aws, out / "terraform", tmp_path, apply=False)
    after = index(out)
    actions = re.findall(r"# (\S+) (will be created|will be destroyed|must be replaced)", text)
    touched = {address for address, _ in actions}
    for job in before.values():
        label = job["key"].replace("-", "_")
        if job["function"] in {j["function"] for j in after.values()}:
            assert not [a for a in touched if a.split(".")[1].startswith(label)], job["function"]
        else:  # clean.sh: its resources go
            assert any(
                a.split(".")[1].startswith(label) for a, act in actions if "destroyed" in act
            )
    new = next(j for j in after.values() if j["identity"]["command"] == "/opt/new.sh")
    created = {a for a, act in actions if act == "will be created"}
    assert f"aws_lambda_function.{new['key'].replace('-', '_')}" in created
    assert not [a for a, act in actions if act == "must be replaced"]
