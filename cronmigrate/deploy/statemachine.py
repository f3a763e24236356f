"""The Run Command target: a job that stays on its server, started by EventBridge Scheduler
through a Step Functions state machine that calls SSM directly (no Lambda at all).

States: Claim (the duplicate guard, DynamoDB service integration) → Send (SendCommand,
AWS-RunShellScript) → Wait/Poll (ListCommands) until the command ended → NotifySuccess, or
a failure notification (SNS) and a Fail state.  The command is fixed in the definition,
never taken from the event (whoever may start an execution cannot choose the command),
and quoted once for JSON and once for the shell.  The definition is one file,
``statemachines/<job>.asl.json``, with ``${…}`` placeholders that CloudFormation/SAM
(``DefinitionSubstitutions``) and Terraform (``replace``) fill in.  This module builds the
document; :mod:`cronmigrate.render.generate` writes it to ``statemachines/``.
"""

from __future__ import annotations

import shlex
from typing import Any

from cronmigrate.analysis.secrets import is_secret, parameter_name
from cronmigrate.deploy.jobs import DeployJob

POLL_SECONDS = 30
_PENDING = ("Pending", "InProgress", "Cancelling")  # a command's (not an invocation's) statuses
Doc = dict[str, Any]


def script(job: DeployJob) -> str:
    """What AWS-RunShellScript runs (as root): the crontab line as cron would run it."""
    cron = job.plan.job
    user = cron.user or "root"
    env: dict[str, str] = {}
    for name, value in cron.environment:
        env[name] = value
    lines = ["# cronmigrate: " + f"{job.source}: {cron.schedule_text}".replace("\n", " ")]
    home = env.get("HOME") or ("/root" if user == "root" else f"~{user}")
    lines.append(f"cd {shlex.quote(home) if 'HOME' in env else home} 2>/dev/null || cd /")
    for name, value in env.items():
        if not name.isidentifier():
            continue
        if is_secret(name, value):
            p = shlex.quote(parameter_name(job.function_name, name))
            lines.append(
                f"{name}=$(aws ssm get-parameter --with-decryption --name {p} "
                "--query Parameter.Value --output text) || exit 1"
            )
            lines.append(f"export {name}")
        else:
            lines.append(f"export {name}={shlex.quote(value)}")
    lines.append(f"export SHELL={shlex.quote(env.get('SHELL', '/bin/sh'))}")
    lines.append(f"export LOGNAME={shlex.quote(user)} USER={shlex.quote(user)}")
    run = f'"$SHELL" -c {shlex.quote(cron.command)}'
    if user != "root":
        run = f"runuser -u {shlex.quote(user)} -- {run}"
    if cron.stdin is not None:
        run = f"printf '%s' {shlex.quote(cron.stdin)} | {run}"
    else:
        run += " </dev/null"
    lines.append(run)
    return "\n".join(lines) + "\n"


def _targets(job: DeployJob) -> Doc:
    first = job.settings.instances[0]
    if first.startswith("tag:"):
        key, value = first.split("=", 1)
        return {"Targets": [{"Key": key, "Values": [value]}]}
    return {"InstanceIds": list(job.settings.instances)}


# Errors worth another try: throttling and the services' own faults (the error names of
# Step Functions' service integrations: "<Service>.<Exception>", "Handling errors in Step
# Functions workflows", Step Functions Developer Guide). Everything else is caught and told.
_RETRY = {"IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2, "JitterStrategy": "FULL"}
_TRANSIENT = {
    "dynamodb": [
        "DynamoDB.ProvisionedThroughputExceededException",
        "DynamoDB.RequestLimitExceeded",
        "DynamoDB.ThrottlingException",
        "DynamoDB.InternalServerErrorException",
    ],
    # AWS names SDK-integration errors "Ssm.…" ("ServiceName.ErrorName" in PascalCase,
    # "AWS SDK service integrations", Step Functions Developer Guide); LocalStack's
    # interpreter (moto's) says "ssm.…": both are listed, a name that never occurs is inert.
    "ssm": [
        "Ssm.ThrottlingException",
        "Ssm.InternalServerErrorException",
        "ssm.ThrottlingException",
        "ssm.InternalServerErrorException",
    ],
    "sns": ["SNS.ThrottledException", "SNS.InternalErrorException"],
}
# Polls finding no record of the command before the run is reported lost.
LOST_POLLS = 10


def _retry(service: str) -> list[Doc]:
    return [{"ErrorEquals": _TRANSIENT[service], **_RETRY}]


def _catch(jsonata: bool = False) -> list[Doc]:
    if jsonata:
        output = "{% $merge([$states.input, {'error': $states.errorOutput}]) %}"
        return [{"ErrorEquals": ["States.ALL"], "Output": output, "Next": "NotifyError"}]
    return [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyError"}]


def _publish(name: str, topic: str, subject: str, message: str) -> Doc:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish",
        "Parameters": {
            "TopicArn": "${" + topic + "}",
            "Subject": f"{subject}: {name}"[:100],
            "Message.$": message,
        },
        "ResultPath": "$.notified",
        "Retry": _retry("sns"),
    }


def definition(job: DeployJob) -> Doc:
    """Claim → Send → (Wait → Poll → Tick → Found → First → Ended)* → Record →
    NotifySuccess, or one of
    NotifyFailure (the command failed somewhere), NotifyNoInstance (its targets matched no
    instance: SSM ends such a command "Success" with TargetCount 0) and NotifyError
    (DynamoDB or SSM refused, after retrying throttling), each followed by a Fail state, so
    that a failed run is both published and a failed execution."""
    name = job.function_name
    states: Doc = {}
    locked = job.settings.lock == "dynamodb"
    ttl = job.settings.lock_ttl_days * 86_400
    if locked:
        states["Claim"] = {
            "Type": "Task",
            "Comment": "EventBridge delivers at least once: run each scheduled time once. "
            "JSONata for the item's expiry time: DynamoDB TTL needs epoch seconds, and "
            "JSONPath has no clock ($millis(), Step Functions JSONata).",
            "QueryLanguage": "JSONata",
            "Resource": "arn:aws:states:::dynamodb:putItem",
            "Arguments": {
                "TableName": "${LockTable}",
                "Item": {
                    "pk": {"S": "{% '" + name + "#' & $states.input.scheduled_time %}"},
                    "expires": {"N": "{% $string($floor($millis() / 1000) + " + str(ttl) + ") %}"},
                },
                "ConditionExpression": "attribute_not_exists(pk)",
            },
            "Output": "{% $states.input %}",
            "Retry": _retry("dynamodb"),
            "Catch": [
                {
                    "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                    "Next": "AlreadyDelivered",
                },
                *_catch(jsonata=True),
            ],
            "Next": "Send",
        }
        states["AlreadyDelivered"] = {"Type": "Succeed", "Comment": "a duplicate delivery"}
    states["Send"] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:ssm:sendCommand",
        "Parameters": {
            "DocumentName": "AWS-RunShellScript",
            "Comment": name[:100],
            **_targets(job),
            "Parameters": {
                "commands": script(job).splitlines(),  # joined with newlines by SSM
                "executionTimeout": [str(job.settings.execution_timeout)],
            },
            "MaxConcurrency": job.settings.max_concurrency,
            "MaxErrors": job.settings.max_errors,
        },
        "ResultSelector": {"CommandId.$": "$.Command.CommandId"},
        "ResultPath": "$.command",
        "Retry": _retry("ssm"),
        "Catch": _catch(),
        "Next": "Started",
    }
    states["Started"] = {
        "Type": "Pass",
        "Result": {"n": 0},
        "ResultPath": "$.polls",
        "Next": "Wait",
    }
    states["Wait"] = {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": "Poll"}
    # The command's own record (ListCommands): its status and counts. Not the invocations
    # filtered by status: a JSONPath filter that matches nothing is a States.Runtime error
    # in ResultSelector, which would fail every poll that finds no pending invocation.
    states["Poll"] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:ssm:listCommands",
        "Parameters": {"CommandId.$": "$.command.CommandId"},
        "ResultSelector": {"Commands.$": "$.Commands"},
        "ResultPath": "$.status",
        "Retry": _retry("ssm"),
        "Catch": _catch(),
        "Next": "Tick",
    }
    states["Tick"] = {
        "Type": "Pass",
        "Parameters": {"n.$": "States.MathAdd($.polls.n, 1)"},
        "ResultPath": "$.polls",
        "Next": "Found",
    }
    no_record = {"Variable": "$.status.Commands[0]", "IsPresent": False}
    states["Found"] = {
        "Type": "Choice",
        "Choices": [
            {
                "And": [
                    no_record,
                    {"Variable": "$.polls.n", "NumericGreaterThanEquals": LOST_POLLS},
                ],
                "Next": "Lost",
            },
            {**no_record, "Next": "Wait"},  # not recorded yet
        ],
        "Default": "First",
    }
    # The record by States.ArrayGetItem, then plain paths: no array index in a path below.
    states["First"] = {
        "Type": "Pass",
        "Parameters": {"c.$": "States.ArrayGetItem($.status.Commands, 0)"},
        "ResultPath": "$.first",
        "Next": "Ended",
    }
    command = "$.first.c"
    states["Ended"] = {
        "Type": "Choice",
        "Choices": [
            *(
                {"Variable": f"{command}.Status", "StringEquals": status, "Next": "Wait"}
                for status in _PENDING
            ),
            {"Variable": f"{command}.TargetCount", "NumericEquals": 0, "Next": "NotifyNoInstance"},
        ],
        "Default": "Record",
    }
    # What the rest needs, and nothing else: the command's record holds the whole script
    # and timestamps (an execution's state is limited to 256 KiB).
    states["Record"] = {
        "Type": "Pass",
        "Parameters": {
            "scheduled_time.$": "$.scheduled_time",
            "command.$": "$.command",
            "record": {
                "command": {
                    f"{k}.$": f"{command}.{k}"
                    for k in (
                        "Status",
                        "TargetCount",
                        "CompletedCount",
                        "ErrorCount",
                        "DeliveryTimedOutCount",
                    )
                }
            },
        },
        "Next": "AllSucceeded",
    }
    states["Lost"] = {
        "Type": "Pass",
        "Parameters": {
            "Error": "Cron.CommandLost",
            "Cause.$": "States.Format('Systems Manager has no record of command {}', "
            "$.command.CommandId)",
        },
        "ResultPath": "$.error",
        "Next": "NotifyError",
    }
    counts = "$.record.command"
    states["AllSucceeded"] = {
        "Type": "Choice",
        "Choices": [
            {
                "And": [
                    {"Variable": f"{counts}.Status", "StringEquals": "Success"},
                    {"Variable": f"{counts}.ErrorCount", "NumericEquals": 0},
                    {"Variable": f"{counts}.DeliveryTimedOutCount", "NumericEquals": 0},
                ],
                "Next": "NotifySuccess",
            }
        ],
        "Default": "NotifyFailure",
    }
    run = f"{name}: the run scheduled at {{}} (command {{}})"
    states["NotifySuccess"] = {
        **_publish(
            name,
            "SuccessTopic",
            "cron job succeeded",
            f"States.Format('{run} succeeded on {{}} of {{}} instances', $.scheduled_time, "
            "$.command.CommandId, $.record.command.CompletedCount, "
            "$.record.command.TargetCount)",
        ),
        "End": True,
    }
    states["NotifyFailure"] = {
        **_publish(
            name,
            "FailureTopic",
            "cron job failed",
            f"States.Format('{run} ended {{}} on {{}} instances: {{}} failed, {{}} not "
            "delivered', $.scheduled_time, $.command.CommandId, $.record.command.Status, "
            "$.record.command.TargetCount, $.record.command.ErrorCount, "
            "$.record.command.DeliveryTimedOutCount)",
        ),
        "Next": "Failed",
    }
    states["NotifyNoInstance"] = {
        **_publish(
            name,
            "FailureTopic",
            "cron job ran nowhere",
            f"States.Format('{run} matched no instance: nothing ran', $.scheduled_time, "
            "$.command.CommandId)",
        ),
        "Next": "NoInstance",
    }
    states["NotifyError"] = {
        **_publish(
            name,
            "FailureTopic",
            "cron job could not start",
            f"States.Format('{name}: the run scheduled at {{}} could not start: {{}}: {{}}', "
            "$.scheduled_time, $.error.Error, $.error.Cause)",
        ),
        "Next": "Error",
    }
    states["Failed"] = {
        "Type": "Fail",
        "Error": "Cron.CommandFailed",
        "Cause": "the command failed on at least one instance",
    }
    states["NoInstance"] = {
        "Type": "Fail",
        "Error": "Cron.NoInstance",
        "Cause": "no instance matched the job's instances",
    }
    states["Error"] = {
        "Type": "Fail",
        "Error": "Cron.NotStarted",
        "Cause": "DynamoDB or Systems Manager refused the request (see the notification)",
    }
    return {
        "Comment": f"{job.source}: {job.plan.job.schedule_text} on "
        + ", ".join(job.settings.instances),
        "StartAt": "Claim" if locked else "Send",
        "TimeoutSeconds": job.settings.execution_timeout + 3600,
        "States": states,
    }
