"""Each writer fed a small neutral model by hand (as Chalice's test_package.py feeds its
models to each generator): CloudFormation, SAM and Terraform say what the model says, in
their own syntax, and a model class a writer does not know is an error, never a silence."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from cronmigrate.deploy.infra import (
    ACCOUNT_ID,
    Alarm,
    Arn,
    Code,
    Function,
    Group,
    Layer,
    LogGroup,
    Output,
    Permission,
    Policy,
    Queue,
    Ref,
    RetryPolicy,
    Role,
    Rule,
    Schedule,
    Stack,
    Statement,
    Table,
    Topic,
)
from cronmigrate.render import cloudformation, terraform
from tests.helpers.iac import terraform_resources, unquote

TRUST = (
    Statement(
        ("sts:AssumeRole",),
        (),
        {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}},
        principal="scheduler.amazonaws.com",
    ),
)


def _stack(trigger: str = "scheduler") -> Stack:
    base = (
        Layer(
            "RuntimeLayer",
            "runtime",
            "rt",
            "the runtime",
            Code("dist/rt.zip", "a" * 64),
            ("provided.al2023",),
            ("x86_64",),
        ),
        Table("LockTable", "lock", "pk", "expires", billing_mode="PAY_PER_REQUEST"),
        Topic("FailureTopic", "failures", "cron job failures"),
        Queue("DeadLetters", "dead", 1_209_600, managed_sse=True),
    )
    job: list[Any] = [
        LogGroup("JobLogGroup", "job", "/aws/lambda/cron-job", 30),
        Role(
            "JobRole",
            "job",
            (Statement(("sts:AssumeRole",), (), principal="lambda.amazonaws.com"),),
            "cron-job-",
            (
                Policy(
                    "write-own-logs",
                    "logs",
                    (
                        Statement(
                            ("logs:CreateLogStream", "logs:PutLogEvents"),
                            (Ref("JobLogGroup", "log_streams"),),
                        ),
                    ),
                ),
            ),
        ),
        Function(
            "JobFunction",
            "job",
            "cron-job",
            "a job",
            Ref("JobRole"),
            "provided.al2023",
            "function.sh",
            "arm64",
            256,
            60,
            Code("dist/job.zip", "b" * 64),
            (Ref("RuntimeLayer"),),
            Ref("JobLogGroup", "name"),
            (("LOCK", Ref("LockTable", "name")),),
            (),
            (),
            "JobInvokeConfig",
            0,
            Ref("FailureTopic"),
            "/etc/cron.d/app:3",
        ),
        Alarm(
            "JobErrors",
            "job",
            "cron-job-errors",
            "failed",
            "AWS/Lambda",
            "Errors",
            (("FunctionName", Ref("JobFunction", "name")),),
            "Sum",
            60,
            0,
            (Ref("FailureTopic"),),
            evaluation_periods=2,
            comparison="GreaterThanThreshold",
            missing_data="notBreaching",
        ),
    ]
    if trigger == "scheduler":
        job += [
            Role(
                "GroupSchedulerRole",
                "group_scheduler",
                TRUST,
                "g-sch-",
                (
                    Policy(
                        "start-own-jobs",
                        "",
                        (Statement(("lambda:InvokeFunction",), (Ref("JobFunction"),)),),
                    ),
                ),
            ),
            Schedule(
                "JobSchedule",
                "job",
                "Schedule",
                "cron-job",
                "d",
                "cron(0 3 * * ? *)",
                "Europe/Berlin",
                True,
                Ref("JobFunction"),
                Ref("GroupSchedulerRole"),
                "{}",
                RetryPolicy(3, 3600),
                Ref("DeadLetters"),
                flexible_window="OFF",
            ),
        ]
    else:
        job += [
            Rule(
                "JobRule",
                "job",
                "Rule",
                "cron-job",
                "d",
                "cron(0 2 * * ? *)",
                False,
                Ref("JobFunction"),
                "function",
                RetryPolicy(3, 3600),
                Ref("DeadLetters"),
            ),
            Permission(
                "JobPermission",
                "job",
                Ref("JobFunction", "name"),
                "events.amazonaws.com",
                Ref("JobRule"),
                "AllowEventBridgeRule",
                "lambda:InvokeFunction",
            ),
        ]
    group = Group(
        "JobsApp",
        "app",
        "jobs of app",
        tuple(job),
        (Output("JobFunctionArn", "functions", "cron-job", "x", Ref("JobFunction")),),
    )
    return Stack(
        "test", base, (Output("RuntimeLayerArn", "layer", "", "l", Ref("RuntimeLayer")),), (group,)
    )


def test_cloudformation_says_the_model_in_its_syntax() -> None:
    t = cloudformation.templates(_stack(), sam=False)
    child = t.groups["stacks/app.yaml"]
    res = child["Resources"]
    role = res["GroupSchedulerRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust == {
        "Effect": "Allow",
        "Principal": {"Service": "scheduler.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
    }
    assert role["AssumeRolePolicyDocument"]["Version"] == "2012-10-17"
    fn = res["JobFunction"]["Properties"]
    assert fn["Architectures"] == ["arm64"] and fn["MemorySize"] == 256
    # A reference to the base stack becomes a parameter of the nested stack.
    assert fn["Layers"] == [{"Ref": "RuntimeLayerArn"}]
    assert fn["Environment"]["Variables"] == {"LOCK": {"Ref": "LockTableName"}}
    assert set(child["Parameters"]) >= {"RuntimeLayerArn", "LockTableName", "FailureTopicArn"}
    # Ref gives a log group's name, Fn::GetAtt its ARN (with ":*", its streams).
    assert fn["LoggingConfig"] == {"LogGroup": {"Ref": "JobLogGroup"}, "LogFormat": "Text"}
    logs = res["JobRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert logs["Resource"] == {"Fn::GetAtt": ["JobLogGroup", "Arn"]}
    assert res["JobInvokeConfig"]["Properties"]["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Ref": "FailureTopicArn"}}
    }
    alarm = res["JobErrors"]["Properties"]
    assert (alarm["EvaluationPeriods"], alarm["TreatMissingData"]) == (2, "notBreaching")
    schedule = res["JobSchedule"]["Properties"]
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["Target"]["RetryPolicy"] == {
        "MaximumRetryAttempts": 3,
        "MaximumEventAgeInSeconds": 3600,
    }
    assert schedule["Target"]["DeadLetterConfig"] == {"Arn": {"Ref": "DeadLettersArn"}}
    # The parent passes the base values to the nested stack.
    nested = t.parent["Resources"]["JobsApp"]["Properties"]["Parameters"]
    assert nested["LockTableName"] == {"Ref": "LockTable"}
    assert nested["DeadLettersArn"] == {"Fn::GetAtt": ["DeadLetters", "Arn"]}
    table = t.parent["Resources"]["LockTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"


def test_sam_folds_schedules_and_rules_into_their_function() -> None:
    for trigger, kind in (("scheduler", "ScheduleV2"), ("rules", "Schedule")):
        res = cloudformation.templates(_stack(trigger), sam=True).groups["stacks/app.sam.yaml"]
        fn = res["Resources"]["JobFunction"]
        assert fn["Type"] == "AWS::Serverless::Function"
        (event,) = fn["Properties"]["Events"].values()
        assert event["Type"] == kind
        assert not {"JobSchedule", "JobRule", "JobPermission"} & set(res["Resources"])
        assert fn["Properties"]["CodeUri"] == "../dist/job.zip"


def test_rules_get_a_permission_and_a_state() -> None:
    res = cloudformation.templates(_stack("rules"), sam=False).groups["stacks/app.yaml"]
    rule = res["Resources"]["JobRule"]["Properties"]
    assert rule["State"] == "DISABLED"
    assert rule["Targets"][0]["Id"] == "function"
    perm = res["Resources"]["JobPermission"]["Properties"]
    assert perm["Action"] == "lambda:InvokeFunction"
    assert perm["SourceArn"] == {"Fn::GetAtt": ["JobRule", "Arn"]}


def _terraform(stack: Stack) -> dict[str, Any]:
    """Every root's resources, a group's ``var.base.<name>`` read as the base's expression."""
    with tempfile.TemporaryDirectory() as tmp:
        for path, artifact in terraform.render(stack, "-").items():
            (Path(tmp) / path).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / path).write_bytes(artifact.content)
        found = terraform_resources(Path(tmp) / "terraform")
    return {
        kind: {label: _plain(b) for label, b in bodies.items()} for kind, bodies in found.items()
    }


def _plain(v: Any) -> Any:
    """python-hcl2's values with their quotes and block markers taken off."""
    if isinstance(v, dict):
        return {unquote(k): _plain(x) for k, x in v.items() if k != "__is_block__"}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return unquote(v)


def _resource(doc: dict[str, Any], kind: str, label: str) -> dict[str, Any]:
    return dict(doc[kind][label])


def test_terraform_says_the_model_in_its_syntax() -> None:
    doc = _terraform(_stack())
    role = _resource(doc, "aws_iam_role", "group_scheduler")
    text = role["assume_role_policy"]
    assert "scheduler.amazonaws.com" in text and "aws:SourceAccount" in text
    assert "data.aws_caller_identity.current.account_id" in text
    fn = _resource(doc, "aws_lambda_function", "job")
    assert fn["architectures"] == ["arm64"] and fn["memory_size"] == 256
    assert fn["layers"] == ["${aws_lambda_layer_version.runtime.arn}"]
    assert fn["environment"][0]["variables"] == {"LOCK": "${aws_dynamodb_table.lock.name}"}
    policy = _resource(doc, "aws_iam_role_policy", "job_logs")["policy"]
    assert '"${aws_cloudwatch_log_group.job.arn}:*"' in policy
    alarm = _resource(doc, "aws_cloudwatch_metric_alarm", "job")
    assert (alarm["evaluation_periods"], alarm["treat_missing_data"]) == (2, "notBreaching")
    schedule = _resource(doc, "aws_scheduler_schedule", "job")
    assert schedule["flexible_time_window"] == [{"mode": "OFF"}]
    assert schedule["schedule_expression_timezone"] == "Europe/Berlin"
    assert _resource(doc, "aws_dynamodb_table", "lock")["billing_mode"] == "PAY_PER_REQUEST"
    assert _resource(doc, "aws_sqs_queue", "dead")["sqs_managed_sse_enabled"] is True


def test_terraform_rules_and_permissions() -> None:
    doc = _terraform(_stack("rules"))
    assert _resource(doc, "aws_cloudwatch_event_rule", "job")["state"] == "DISABLED"
    target = _resource(doc, "aws_cloudwatch_event_target", "job")
    assert target["dead_letter_config"] == [{"arn": "${aws_sqs_queue.dead.arn}"}]
    perm = _resource(doc, "aws_lambda_permission", "job")
    assert perm["action"] == "lambda:InvokeFunction"
    assert perm["source_arn"] == "${aws_cloudwatch_event_rule.job.arn}"


def test_an_arn_template_becomes_each_forms_interpolation() -> None:
    arn = Arn("arn:{partition}:ssm:{region}:{account}:parameter/x")
    cfn = cloudformation._Writer(_stack(), False, ()).value(arn)
    assert cfn == {
        "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/x"
    }
    tf = terraform._Writer(_stack(), (), "../..").value(arn)
    assert tf.text == (
        '"arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.name}:'
        '${data.aws_caller_identity.current.account_id}:parameter/x"'
    )


class Unknown(NamedTuple):
    id: str
    tf: str


def test_a_model_class_a_writer_does_not_know_is_an_error() -> None:
    stack = _stack()._replace(resources=(*_stack().resources, Unknown("X", "x")))  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        cloudformation.templates(stack, sam=False)
    with pytest.raises(KeyError):
        terraform.render(stack, "-")


def test_outputs_reach_both_forms() -> None:
    t = cloudformation.templates(_stack(), sam=False)
    assert t.groups["stacks/app.yaml"]["Outputs"]["JobFunctionArn"]["Value"] == {
        "Fn::GetAtt": ["JobFunction", "Arn"]
    }
    outputs = terraform.render(_stack(), "-")["terraform/groups/app/outputs.tf"].content.decode()
    assert json.dumps("cron-job") in outputs and "aws_lambda_function.job.arn" in outputs
