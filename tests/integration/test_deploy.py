"""The output deploys: ``deploy-cloudformation.sh`` run unchanged against a local AWS (moto's
server), every stack CREATE_COMPLETE, then every schedule, rule, function, role policy and
state machine read back through the AWS API and compared with ``plan --format json``."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import OUTPUT_CASES, SAMPLES, generate_into, run_cli
from tests.helpers.emulator import (
    Emulator,
    complete_stack,
    deploy,
    deployed_stacks,
    emulator,
    provide_layers,
    template_of,
    terraform_apply,
)
from tests.helpers.iac import SAM_BUCKET, sam_transform, terraform_roots

CASES = OUTPUT_CASES


def _plan(case: dict[str, Any]) -> dict[str, Any]:
    cwd = case.get("cwd", SAMPLES)
    tabs = case.get("crontabs", ["etc/crontab", "etc/cron.d", "var/spool/cron/crontabs"])
    args = ["plan", *tabs, "--format", "json", "--timezone", case.get("timezone", "Europe/Berlin")]
    if case.get("target"):
        args += ["--target", case["target"]]
    args += ["--root", str(case.get("root", SAMPLES))]  # generate's: the copy of the server
    if case.get("config"):
        args += ["--config", case["config"]]
    res = run_cli(*args, cwd=cwd)
    out: dict[str, Any] = json.loads(res.stdout)
    return out


def _doc(v: Any) -> dict[str, Any]:
    """A policy document as the API returns it (boto3 decodes it; moto's CloudFormation
    stores a Python literal)."""
    if isinstance(v, str):
        v = json.loads(v) if v.startswith('{"') else ast.literal_eval(v)
    out: dict[str, Any] = v
    return out


def _listed(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _schedules(aws: Emulator) -> list[dict[str, Any]]:
    client = aws.client("scheduler")
    names = [s["Name"] for s in client.list_schedules()["Schedules"]]
    return [client.get_schedule(Name=n) for n in names]


def _planned(case: dict[str, Any]) -> set[tuple[str, str]]:
    plan = _plan(case)
    return {
        (s["expression"], s["timezone"])
        for j in plan["jobs"]
        if j["status"] in ("ok", "warning")
        for s in j["eventbridge"]
    }


def _delivery(aws: Emulator, deployment: Any) -> str:
    """Failures are never silent: the dead-letter queue, its alarm, and an Errors alarm per
    function notifying the topic its on-failure destination publishes to. Returns the
    queue's ARN."""
    sqs = aws.client("sqs")
    (url,) = sqs.list_queues()["QueueUrls"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["MessageRetentionPeriod"] == "1209600"
    alarms = {a["AlarmName"]: a for a in aws.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    topics = {t["TopicArn"] for t in aws.client("sns").list_topics()["Topics"]}
    dlq_alarm = alarms.pop(f"cron-{deployment.host + '-' if deployment.host else ''}dead-letters")
    assert dlq_alarm["Dimensions"] == [{"Name": "QueueName", "Value": url.rsplit("/", 1)[1]}]
    assert set(dlq_alarm["AlarmActions"]) <= topics and dlq_alarm["AlarmActions"]
    lam = aws.client("lambda")
    lambda_jobs = [j for j in deployment.jobs if not j.runcommand]
    assert set(alarms) == {f"{j.function_name}-errors" for j in lambda_jobs}
    for job in lambda_jobs:
        alarm = alarms[f"{job.function_name}-errors"]
        assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Lambda", "Errors")
        assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": job.function_name}]
        invoke = lam.get_function_event_invoke_config(FunctionName=job.function_name)
        topic = invoke["DestinationConfig"]["OnFailure"]["Destination"]
        assert topic in topics and alarm["AlarmActions"] == [topic]
        # what cron mailed: the MAILTO topic, in the environment the runtime reads it from
        env = lam.get_function_configuration(FunctionName=job.function_name)
        mail = env.get("Environment", {}).get("Variables", {}).get("CRONMIGRATE_MAIL_TOPIC")
        assert (mail is not None) == (job.mail_topic_id is not None)
        assert mail is None or (mail in topics and mail != topic)
    return str(attrs["QueueArn"])


def check_deployed(aws: Emulator, deployment: Any, case: str) -> None:
    """Read back what is deployed and compare it with the plan and the settings."""
    planned = _planned(CASES[case])
    dead_letters = _delivery(aws, deployment)
    generated = {j.function_name for j in deployment.jobs}
    lam = aws.client("lambda")
    iam = aws.client("iam")
    functions = {f["FunctionName"]: f for f in lam.list_functions()["Functions"]}
    lambda_jobs = [j for j in deployment.jobs if not j.runcommand]
    assert set(functions) == {j.function_name for j in lambda_jobs}
    for job in lambda_jobs:
        f = functions[job.function_name]
        assert (f["MemorySize"], f["Timeout"], f["Runtime"]) == (
            job.settings.memory,
            job.settings.timeout,
            "python3.13" if job.python else "provided.al2023",
        )
        # The execution role: its own log group only.
        role = f["Role"].rsplit("/", 1)[1]
        logs = iam.get_role_policy(RoleName=role, PolicyName="write-own-logs")
        (statement,) = _doc(logs["PolicyDocument"])["Statement"]
        # Fn::GetAtt Arn of a log group ends in ":*" on AWS, not on moto.
        group = f":log-group:/aws/lambda/{job.function_name}"
        assert statement["Resource"].removesuffix(":*").endswith(group)
    if CASES[case].get("target") == "rules":
        events = aws.client("events")
        rules = events.list_rules()["Rules"]
        assert {(r["ScheduleExpression"], "UTC") for r in rules} == planned
        for r in rules:
            (target,) = events.list_targets_by_rule(Rule=r["Name"])["Targets"]
            assert target["Arn"].rsplit(":", 1)[1] in generated
            assert target["DeadLetterConfig"] == {"Arn": dead_letters}
            assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == 3600
        (url,) = aws.client("sqs").list_queues()["QueueUrls"]
        policy = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
        (statement,) = json.loads(policy["Attributes"]["Policy"])["Statement"]
        assert statement["Principal"] == {"Service": "events.amazonaws.com"}
        assert statement["Resource"] == dead_letters
        assert _schedules(aws) == []
        return
    schedules = _schedules(aws)
    assert {(s["ScheduleExpression"], s["ScheduleExpressionTimezone"]) for s in schedules} == (
        planned
    )
    for s in schedules:
        target = s["Target"]
        assert target["Arn"].rsplit(":", 1)[1] in generated
        assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 0
        assert target["DeadLetterConfig"] == {"Arn": dead_letters}
        assert json.loads(target["Input"])["job"] in generated
        # The schedule's role may start this target (and only its group's jobs).
        role = target["RoleArn"].rsplit("/", 1)[1]
        names = iam.list_role_policies(RoleName=role)["PolicyNames"]
        allowed = [
            r
            for name in names
            for st in _doc(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])[
                "Statement"
            ]
            for r in _listed(st["Resource"])
        ]
        assert target["Arn"] in allowed
        assert dead_letters in allowed  # Scheduler sends dead letters with this role
    if any(j.runcommand for j in deployment.jobs):
        sfn = aws.client("stepfunctions")
        (machine,) = sfn.list_state_machines()["stateMachines"]
        definition = sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])
        text = definition["definition"]
        assert "${" not in text  # every placeholder substituted
        states = json.loads(text)["States"]
        (table,) = aws.client("dynamodb").list_tables()["TableNames"]
        assert states["Claim"]["Arguments"]["TableName"] == table
        topics = {t["TopicArn"] for t in aws.client("sns").list_topics()["Topics"]}
        assert states["NotifyFailure"]["Parameters"]["TopicArn"] in topics
        assert states["NotifySuccess"]["Parameters"]["TopicArn"] in topics


@pytest.mark.parametrize("case", sorted(CASES))
def test_cloudformation_deploys_and_reads_back_as_planned(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    deployment: Any = generate_into(out, **CASES[case])
    with emulator() as aws:
        provide_layers(aws, {arn for j in deployment.jobs for arn in j.settings.layers})
        deploy(aws, out, "cronmigrate-test")
        check_deployed(aws, deployment, case)


@pytest.mark.parametrize("case", sorted(CASES))
def test_terraform_applies_and_reads_back_as_planned(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    deployment: Any = generate_into(out, **CASES[case])
    with emulator() as aws:
        provide_layers(aws, {arn for j in deployment.jobs for arn in j.settings.layers})
        terraform_apply(aws, out / "terraform", tmp_path)
        check_deployed(aws, deployment, case)


def thousand_jobs(path: Path) -> Path:
    """A 1,000-job crontab with a spread of schedules (one in ten split by cron's OR rule)."""
    lines = ["MAILTO=ops@example.com\n"]
    for i in range(1000):
        day, dow = ("1,15", "1-5") if i % 10 == 0 else ("*", "*")
        lines.append(f"{i % 60} {(i // 60) % 24} {day} * {dow} echo job {i}\n")
    path.write_text("".join(lines))
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    tmp = tmp_path_factory.mktemp("big")
    tab = thousand_jobs(tmp / "tab")  # a user crontab (a file named crontab is a system one)
    out = tmp / "out"
    deployment: Any = generate_into(out, [str(tab)], cwd=tmp, root=tmp, timezone="UTC")
    assert len(deployment.jobs) == 1000
    return out, deployment


def test_a_thousand_jobs_terraform_apply(big: tuple[Path, Any], tmp_path: Path) -> None:
    """The generated deploy-terraform.sh applies the base root, then each group's root (its
    own small state) four at a time: every function and schedule of 1,000 jobs exists."""
    out, deployment = big
    tf = out / "terraform"
    roots = terraform_roots(tf)
    index = json.loads((out / "cronmigrate-jobs.json").read_text())
    assert len(roots) == len({j["group"] for j in index["jobs"]}) + 1
    with emulator() as aws:
        text = terraform_apply(aws, tf, tmp_path)
        functions = aws.client("lambda").get_paginator("list_functions")
        names = {f["FunctionName"] for page in functions.paginate() for f in page["Functions"]}
        assert names == {j.function_name for j in deployment.jobs}
        schedules = aws.client("scheduler").get_paginator("list_schedules")
        count = sum(len(page["Schedules"]) for page in schedules.paginate())
        assert count == sum(len(j.schedules) for j in deployment.jobs)
    for root in roots[1:]:
        resources = (root / "main.tf").read_text().count('\nresource "')
        assert f"{root.name}: Apply complete! Resources: {resources} added" in text


def deploy_sam(aws: Emulator, out: Path, stack: str) -> dict[str, str]:
    """What ``sam deploy`` does, on the emulator: every template through the SAM transform
    with local CodeUri/ContentUri/Location rewritten to S3 (sam_transform), the zips and
    the transformed nested templates uploaded there, then the parent stack created."""
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=SAM_BUCKET)
    for z in sorted((out / "dist").glob("*.zip")):
        s3.put_object(Bucket=SAM_BUCKET, Key=str(z.relative_to(out)), Body=z.read_bytes())
    for child in sorted((out / "stacks").glob("*.sam.yaml")):
        body = json.dumps(sam_transform(child))
        s3.put_object(Bucket=SAM_BUCKET, Key=str(child.relative_to(out)), Body=body.encode())
    parent = json.dumps(sam_transform(out / "template.yaml"))
    s3.put_object(Bucket=SAM_BUCKET, Key="template.json", Body=parent.encode())
    cfn = aws.client("cloudformation")
    cfn.create_stack(
        StackName=stack,
        TemplateURL=f"{aws.endpoint}/{SAM_BUCKET}/template.json",
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    cfn.get_waiter("stack_create_complete").wait(StackName=stack)
    stacks = deployed_stacks(aws, stack)
    for name in stacks.values():
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        assert status == "CREATE_COMPLETE", (name, status)
        complete_stack(aws, name, template_of(aws, name))
    return stacks


@pytest.mark.parametrize("case", sorted(CASES))
def test_sam_deploys_and_reads_back_as_planned(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    deployment: Any = generate_into(out, **CASES[case])
    with emulator() as aws:
        provide_layers(aws, {arn for j in deployment.jobs for arn in j.settings.layers})
        deploy_sam(aws, out, "cronmigrate-sam")
        check_deployed(aws, deployment, case)
