"""IAM for every form, decided once: each function's role may write its own log group only
(and claim its own runs, read its own secrets, publish to its own topic); each schedule's
role may invoke its own function or start its own state machine only, for this account."""

from __future__ import annotations

from collections.abc import Mapping

from cronmigrate.deploy import names
from cronmigrate.deploy.infra import (
    ACCOUNT_ID,
    Arn,
    Policy,
    Role,
    Statement,
    Value,
)
from cronmigrate.deploy.infra import Ref as R
from cronmigrate.deploy.jobs import DeployJob

LOCK_ID = "LockTable"


def allow(actions: str | tuple[str, ...], *resources: Value, **kw: object) -> Statement:
    acts = (actions,) if isinstance(actions, str) else actions
    return Statement(acts, resources, kw.get("condition"), str(kw.get("comment", "")))


def trust(service: str, *, source_account: bool = False) -> tuple[Statement, ...]:
    """A role's trust policy: ``service`` may assume it; with ``source_account``, only when it
    acts for this account (the confused-deputy condition, "Cross-service confused deputy
    prevention", IAM User Guide)."""
    condition = {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}} if source_account else None
    return (Statement(("sts:AssumeRole",), (), condition, principal=service),)


def own_keys(job: DeployJob) -> Statement:
    """May claim the lock table's items of this job only."""
    return allow(
        "dynamodb:PutItem",
        R(LOCK_ID),
        condition={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{job.function_name}#*"]}},
    )


def scheduler_role(
    id: str,
    tf: str,
    name_prefix: str,
    functions: list[R],
    machines: list[R],
    dead_letter: R | None = None,
) -> Role:
    """The role EventBridge Scheduler assumes for one group's schedules: it may invoke
    exactly that group's functions and start exactly its state machines, and put what it
    could not deliver into the dead-letter queue (Scheduler sends dead letters with the
    schedule's execution role: "Configuring a schedule's dead-letter queue", EventBridge
    Scheduler User Guide)."""
    statements = []
    if functions:
        statements.append(allow("lambda:InvokeFunction", *functions))
    if machines:
        statements.append(allow("states:StartExecution", *machines))
    if dead_letter is not None:
        statements.append(allow("sqs:SendMessage", dead_letter))
    return Role(
        id,
        tf,
        trust("scheduler.amazonaws.com", source_account=True),
        name_prefix,
        (Policy("start-own-jobs", "", tuple(statements)),),
    )


def function_role(job: DeployJob) -> Role:
    ids = names.JobIds(job)
    policies = [
        Policy(
            "write-own-logs",
            "logs",
            (
                allow(
                    ("logs:CreateLogStream", "logs:PutLogEvents"),
                    R(ids.log_group_id, "log_streams"),
                ),
            ),
        )
    ]
    if job.settings.iam_statements:
        statements = tuple(user_statement(s) for s in job.settings.iam_statements)
        policies.append(Policy("job-permissions", "job", statements))
    policies.append(
        Policy("notify-on-failure", "notify", (allow("sns:Publish", R(job.failure_topic_id)),))
    )
    if job.mail_topic_id:  # the runtime mails the job's output to its MAILTO topic
        policies.append(
            Policy("mail-output", "mail", (allow("sns:Publish", R(job.mail_topic_id)),))
        )
    secrets = names.secret_variables(job)
    if secrets:
        arns = tuple(
            Arn("arn:{partition}:ssm:{region}:{account}:parameter" + p) for _, p in secrets
        )
        read = [allow("ssm:GetParameter", *arns)]
        if job.settings.kms_key:
            # A SecureString under a customer managed key: decrypting it needs the key,
            # and only through SSM ("kms:ViaService", AWS KMS Developer Guide).
            read.append(
                allow(
                    "kms:Decrypt",
                    job.settings.kms_key,
                    condition={
                        "StringEquals": {"kms:ViaService": Arn("ssm.{region}.amazonaws.com")}
                    },
                )
            )
        policies.append(Policy("read-own-secrets", "secrets", tuple(read)))
    if job.settings.lock == "dynamodb":
        policies.append(Policy("claim-own-runs", "lock", (own_keys(job),)))
    if job.settings.subnet_ids:
        # The network interface actions of AWSLambdaVPCAccessExecutionRole, without its log
        # writes on "*": the function still writes its own log group only. The Describe
        # actions work on "*" only ("Giving Lambda functions access to resources in an
        # Amazon VPC", Lambda Developer Guide; the managed policy's document).
        policies.append(
            Policy(
                "vpc-network-interfaces",
                "vpc",
                (
                    allow(
                        (
                            "ec2:CreateNetworkInterface",
                            "ec2:DescribeNetworkInterfaces",
                            "ec2:DescribeSubnets",
                            "ec2:DeleteNetworkInterface",
                            "ec2:AssignPrivateIpAddresses",
                            "ec2:UnassignPrivateIpAddresses",
                        ),
                        "*",
                        comment="network interfaces are created before their ids exist",
                    ),
                ),
            )
        )
    return Role(
        ids.role_id,
        ids.tf,
        trust("lambda.amazonaws.com"),
        ids.role_prefix,
        tuple(policies),
    )


def user_statement(raw: Mapping[str, object]) -> Statement:
    """A statement from ``iam:`` in cronmigrate.yaml, as the user wrote it."""

    def strings(v: object) -> tuple[str, ...]:
        return tuple(str(x) for x in v) if isinstance(v, list | tuple) else (str(v),)

    return Statement(
        strings(raw.get("Action", ())),
        strings(raw.get("Resource", ())),
        raw.get("Condition"),
        effect=str(raw.get("Effect", "Allow")),
        sid=str(raw.get("Sid", "")),
    )


def instances_statement(job: DeployJob) -> Statement:
    instance_arn = "arn:{partition}:ec2:{region}:{account}:instance/"
    first = job.settings.instances[0]
    if first.startswith("tag:"):
        key, value = first[len("tag:") :].split("=", 1)
        return allow(
            "ssm:SendCommand",
            Arn(instance_arn + "*"),
            condition={"StringEquals": {f"ssm:resourceTag/{key}": value}},
        )
    return allow("ssm:SendCommand", *(Arn(instance_arn + i) for i in job.settings.instances))
