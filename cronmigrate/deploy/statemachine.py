"""The Run Command target: a job that stays on its server, started by EventBridge Scheduler
through a Step Functions state machine that calls SSM directly (no Lambda at all).

States: Claim (the duplicate guard, DynamoDB service integration) → Send (SendCommand,
AWS-RunShellScript) → Wait/Poll (ListCommandInvocations) until every invocation ended →
NotifySuccess or NotifyFailure (SNS) → Failed.  The command is fixed in the definition,
never taken from the event (whoever may start an execution cannot choose the command),
and quoted once for JSON and once for the shell.  The definition is one file,
``statemachines/<job>.asl.json``, with ``${…}`` placeholders that CloudFormation/SAM
(``DefinitionSubstitutions``) and Terraform (``replace``) fill in.  This module builds the
document; :mod:`cronmigrate.render.statemachine` writes it.
"""

from __future__ import annotations

import shlex
from typing import Any

from cronmigrate.analysis.secrets import is_secret, parameter_name
from cronmigrate.deploy.jobs import DeployJob

POLL_SECONDS = 30
_PENDING = ("Pending", "InProgress", "Delayed", "Cancelling")
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


def definition(job: DeployJob) -> Doc:
    name = job.function_name
    states: Doc = {}
    locked = job.settings.lock == "dynamodb"
    if locked:
        states["Claim"] = {
            "Type": "Task",
            "Comment": "EventBridge delivers at least once: run each scheduled time once",
            "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {
                "TableName": "${LockTable}",
                "Item": {"pk": {"S.$": f"States.Format('{name}#{{}}', $.scheduled_time)"}},
                "ConditionExpression": "attribute_not_exists(pk)",
            },
            # Not ResultPath: null (discard): CloudFormation refuses null values anywhere in
            # a template, inside a Definition too. The (empty) PutItem result is kept here.
            "ResultPath": "$.claim",
            "Catch": [
                {
                    "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                    "Next": "AlreadyDelivered",
                }
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
        "Next": "Wait",
    }
    states["Wait"] = {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": "Poll"}
    # Only `==` filters: what every JSONPath implementation (and asl-validator) accepts.
    selector: Doc = {"all.$": "$.CommandInvocations"}
    for status in ("Success", *_PENDING):
        selector[f"{status}.$"] = f"$.CommandInvocations[?(@.Status == '{status}')]"
    states["Poll"] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:ssm:listCommandInvocations",
        "Parameters": {"CommandId.$": "$.command.CommandId"},
        "ResultSelector": selector,
        "ResultPath": "$.status",
        "Next": "Ended",
    }
    waiting = [
        {"Variable": f"$.status.{s}[0]", "IsPresent": True, "Next": "Wait"} for s in _PENDING
    ]
    states["Ended"] = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.status.all[0]", "IsPresent": False, "Next": "Wait"}, *waiting],
        "Default": "Count",
    }
    states["Count"] = {
        "Type": "Pass",
        "Parameters": {
            "total.$": "States.ArrayLength($.status.all)",
            "succeeded.$": "States.ArrayLength($.status.Success)",
        },
        "ResultPath": "$.counts",
        "Next": "AllSucceeded",
    }
    states["AllSucceeded"] = {
        "Type": "Choice",
        "Choices": [
            {
                "Variable": "$.counts.succeeded",
                "NumericEqualsPath": "$.counts.total",
                "Next": "NotifySuccess",
            }
        ],
        "Default": "NotifyFailure",
    }
    message = (
        f"States.Format('{name}: the run scheduled at {{}} (command {{}}) {{}}', "
        "$.scheduled_time, $.command.CommandId, $.outcome)"
    )
    for outcome, topic, nxt in (
        ("succeeded", "SuccessTopic", None),
        ("failed", "FailureTopic", "Failed"),
    ):
        state: Doc = {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {
                "TopicArn": "${" + topic + "}",
                "Subject": f"cron job {outcome}: {name}"[:100],
                "Message.$": message.replace("$.outcome", f"'{outcome}'"),
            },
            "ResultPath": "$.notified",
        }
        if nxt:
            state["Next"] = nxt
        else:
            state["End"] = True
        states[f"Notify{'Success' if outcome == 'succeeded' else 'Failure'}"] = state
    states["Failed"] = {
        "Type": "Fail",
        "Error": "Cron.CommandFailed",
        "Cause": "the command failed on at least one instance",
    }
    return {
        "Comment": f"{job.source}: {job.plan.job.schedule_text} on "
        + ", ".join(job.settings.instances),
        "StartAt": "Claim" if locked else "Send",
        "TimeoutSeconds": job.settings.execution_timeout + 3600,
        "States": states,
    }
