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
ALERTS_KEY = "AlertsKey"  # the customer managed key the deployment's topics are encrypted with
# Publishing to a topic encrypted with a customer managed key needs the key's data keys and
# kms:Decrypt ("Encryption at rest", Amazon SNS Developer Guide:
# https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html). The roles name the one
# operation SNS calls; the key policy's statement for CloudWatch is the guide's, with the "*".
PUBLISH_ENCRYPTED = ("kms:GenerateDataKey", "kms:Decrypt")
SERVICE_PUBLISH_ENCRYPTED = ("kms:GenerateDataKey*", "kms:Decrypt")


def allow(actions: str | tuple[str, ...], *resources: Value, **kw: object) -> Statement:
    acts = (actions,) if isinstance(actions, str) else actions
    return Statement(acts, resources, kw.get("condition"), str(kw.get("comment", "")))


def trust(
    service: str, *, source_account: bool = False, source_arn: Arn | None = None
) -> tuple[Statement, ...]:
    """A role's trust policy: ``service`` may assume it; with ``source_account``, only when it
    acts for this account, with ``source_arn`` only for that resource (the confused-deputy
    conditions, "Cross-service confused deputy prevention", IAM User Guide)."""
    condition: dict[str, object] = {}
    if source_account:
        condition["StringEquals"] = {"aws:SourceAccount": ACCOUNT_ID}
    if source_arn is not None:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    return (Statement(("sts:AssumeRole",), (), condition or None, principal=service),)


def publish(*topics: Value) -> tuple[Statement, ...]:
    """May publish to ``topics``, which are encrypted with the deployment's key: the key
    used through SNS only (``kms:ViaService``)."""
    return (
        allow("sns:Publish", *topics),
        allow(
            PUBLISH_ENCRYPTED,
            R(ALERTS_KEY),
            condition={"StringEquals": {"kms:ViaService": Arn("sns.{region}.amazonaws.com")}},
        ),
    )


def alerts_key_policy() -> tuple[Statement, ...]:
    """The key policy of the topics' key. The account administers the key and grants its use
    through IAM policies (the default key policy: "Default key policy", AWS KMS Developer
    Guide), which is how the functions and state machines publish (:func:`publish`).
    CloudWatch's alarms publish as the service, so the policy names it, for this account's
    alarms only (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
    #compatibility-with-aws-services): with the AWS managed ``aws/sns`` key, whose policy
    cannot be changed, the alarms could not publish at all."""
    return (
        Statement(
            ("kms:*",),
            ("*",),
            sid="AccountAdministersTheKey",
            principal_arn=Arn("arn:{partition}:iam::{account}:root"),
            comment='"*" in a key policy is this key',
        ),
        Statement(
            SERVICE_PUBLISH_ENCRYPTED,
            ("*",),
            {
                "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
                "ArnLike": {
                    "aws:SourceArn": Arn("arn:{partition}:cloudwatch:{region}:{account}:alarm:*")
                },
            },
            sid="CloudWatchAlarmsPublish",
            principal="cloudwatch.amazonaws.com",
        ),
    )


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
    policies.append(Policy("notify-on-failure", "notify", publish(R(job.failure_topic_id))))
    if job.mail_topic_id:  # the runtime mails the job's output to its MAILTO topic
        policies.append(Policy("mail-output", "mail", publish(R(job.mail_topic_id))))
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


def shared_role(id: str, tf: str, name_prefix: str, roles: list[Role]) -> Role:
    """One execution role for several functions (``roles: per-group``): each policy of theirs
    once, its statements merged where only their resources (or their guard keys) differ, so
    that the role may do what each function's own role may, on that group's resources only."""
    merged: dict[str, tuple[str, list[Statement]]] = {}
    for role in roles:
        for p in role.policies:
            merged.setdefault(p.name, (p.key, []))[1].extend(p.statements)
    policies = tuple(Policy(name, key, _merged(sts)) for name, (key, sts) in merged.items())
    return Role(id, tf, roles[0].trust, name_prefix, policies)


_LEADING = "dynamodb:LeadingKeys"


def _merged(statements: list[Statement]) -> tuple[Statement, ...]:
    out: dict[str, Statement] = {}
    for st in statements:
        cond = st.condition
        keys: list[object] = []
        if isinstance(cond, dict) and _LEADING in cond.get("ForAllValues:StringLike", {}):
            keys = list(cond["ForAllValues:StringLike"][_LEADING])
            cond = {"ForAllValues:StringLike": {_LEADING: "*"}}
        shape = repr((st.actions, st.effect, st.sid, st.principal, st.comment, cond))
        if shape not in out:
            out[shape] = st
            continue
        was = out[shape]
        resources = was.resources + tuple(r for r in st.resources if r not in was.resources)
        condition = was.condition
        if keys and isinstance(condition, dict):
            had = list(condition["ForAllValues:StringLike"][_LEADING])
            condition = {
                "ForAllValues:StringLike": {_LEADING: had + [k for k in keys if k not in had]}
            }
        out[shape] = was._replace(resources=resources, condition=condition)
    return tuple(out.values())
