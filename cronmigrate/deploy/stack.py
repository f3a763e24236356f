"""Deployment → :class:`~cronmigrate.deploy.infra.Stack`: every resource, name and property,
decided once for CloudFormation, SAM and Terraform alike (IAM in :mod:`cronmigrate.deploy.iam`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cronmigrate import __version__
from cronmigrate import aws_facts as aws
from cronmigrate.deploy import names
from cronmigrate.deploy.iam import (
    ALERTS_KEY,
    LOCK_ID,
    alerts_key_policy,
    allow,
    function_role,
    instances_statement,
    own_keys,
    publish,
    scheduler_role,
    shared_role,
    trust,
)
from cronmigrate.deploy.infra import (
    Alarm,
    Arn,
    Code,
    Function,
    Group,
    Key,
    Layer,
    LogGroup,
    Output,
    Permission,
    Policy,
    Queue,
    QueuePolicy,
    Resource,
    RetryPolicy,
    Role,
    Rule,
    Schedule,
    Stack,
    StateMachine,
    Statement,
    Subscription,
    Table,
    Topic,
    Value,
)
from cronmigrate.deploy.infra import Ref as R
from cronmigrate.deploy.jobs import FAILURE_TOPIC, DeployJob, Deployment
from cronmigrate.deploy.statemachine import definition
from cronmigrate.errors import CronmigrateError
from cronmigrate.plan.groups import groups_of, previous_groups, roles_mode
from cronmigrate.plan.identity import tf_label
from cronmigrate.schedule.model import Trigger

LAYER_ID = "BashRuntimeLayer"
LOCK_KEY = "pk"
LOCK_TTL = "expires"
DLQ_ID = "DeadLetterQueue"
# What a state machine's role needs to log its executions to CloudWatch Logs
# (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
LOG_DELIVERY = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
)
DLQ_RETENTION = 1_209_600  # 14 days, SQS's longest (MessageRetentionPeriod, SQS API Reference)


def build(deployment: Deployment, code_sha256: Mapping[str, str]) -> Stack:
    """The stack; ``code_sha256`` maps each zip's path (``dist/…``) to its SHA-256."""
    base: list[Resource] = [
        Layer(
            LAYER_ID,
            "bash_runtime",
            names.LAYER_NAME,
            f"cronmigrate {__version__} bash runtime (Runtime API 2018-06-01)",
            Code(names.LAYER_ZIP, code_sha256[names.LAYER_ZIP]),
            (aws.RUNTIME, aws.PYTHON_RUNTIME),
            aws.ARCHITECTURES,
        )
    ]
    base += _alerts(deployment)
    base += _dead_letters(deployment)
    if any(_locked(j) for j in deployment.jobs):
        base.append(Table(LOCK_ID, "lock", LOCK_KEY, LOCK_TTL))
    grouped = groups_of(deployment.jobs, previous_groups(deployment.plan.previous))
    roles, why = roles_mode(deployment.settings.roles, len(deployment.jobs), len(grouped))
    groups = [
        _group(name, jobs, deployment, code_sha256, shared=roles == "per-group")
        for name, jobs in grouped.items()
    ]
    _check_unique(base + [r for g in groups for r in g.resources])
    files = ", ".join(deployment.plan.server_files) or "-"
    text = f"Cron jobs from {files}, migrated by cronmigrate {__version__}"
    return Stack(
        names.cut(text, aws.TEMPLATE_DESCRIPTION_MAX),
        tuple(base),
        (Output("RuntimeLayerArn", "layer", "", "The bash runtime layer", R(LAYER_ID)),),
        tuple(groups),
        roles,
        why,
    )


def _group(
    name: str,
    jobs: list[DeployJob],
    deployment: Deployment,
    code_sha256: Mapping[str, str],
    shared: bool = False,
) -> Group:
    gids = names.group_ids(name, deployment.settings.name_prefix)
    lambda_jobs = [j for j in jobs if not j.runcommand]
    exec_role = None
    if shared and lambda_jobs:
        exec_role = shared_role(
            gids.function_role_id,
            gids.function_role_tf,
            gids.function_role_prefix,
            [function_role(j) for j in lambda_jobs],
        )
    role = R(gids.scheduler_role_id)
    dlq = R(DLQ_ID) if deployment.settings.dead_letter else None
    resources: list[Resource] = []
    outputs: list[Output] = []
    functions: list[R] = []
    machines: list[R] = []
    for job in jobs:
        ids = names.JobIds(job)
        if job.runcommand:
            resources += _runcommand_job(job, role, deployment)
            machines.append(R(ids.machine_id))
            outputs.append(
                Output(
                    ids.machine_output_id,
                    "state_machines",
                    job.function_name,
                    job.source,
                    machines[-1],
                )
            )
        else:
            resources += _lambda_job(
                job, deployment, code_sha256, role, R(exec_role.id) if exec_role else None
            )
            functions.append(R(ids.function_id))
            outputs.append(
                Output(
                    ids.output_id,
                    "functions",
                    job.function_name,
                    job.source,
                    functions[-1],
                )
            )
    if exec_role is not None:
        resources.append(exec_role)
    if machines or deployment.trigger is Trigger.SCHEDULER:
        resources.append(
            scheduler_role(
                role.id,
                gids.scheduler_role_tf,
                gids.scheduler_role_prefix,
                functions,
                machines,
                dlq,
            )
        )
    files = sorted({j.source.rsplit(":", 1)[0] for j in jobs})
    return Group(
        gids.stack_id,
        name,
        f"cronmigrate {__version__}: jobs of {', '.join(files)}",
        tuple(resources),
        tuple(outputs),
    )


def _check_unique(resources: list[Resource]) -> None:
    """A generated name used twice is an error, never a silent overwrite."""
    for attr in ("id", "tf"):
        seen: set[tuple[str, str]] = set()
        for r in resources:
            key = (type(r).__name__, getattr(r, attr))
            if key in seen:
                raise CronmigrateError(f"internal: two resources are named {key[1]!r}")
            seen.add(key)


# ------------------------------------------------------------------ jobs


def _locked(job: DeployJob) -> bool:
    return job.settings.lock == "dynamodb"


def _state_enabled(job: DeployJob) -> bool:
    return job.settings.enabled


def _schedules(job: DeployJob, target: R, role: R, dlq: R | None) -> Iterator[Schedule]:
    ids = names.JobIds(job)
    retry = RetryPolicy(job.settings.delivery_retries, job.settings.max_event_age_seconds)
    for i, s in enumerate(job.schedules):
        sid, tf, event, name = ids.schedule(i)
        yield Schedule(
            sid,
            tf,
            event,
            name,
            ids.description,
            s.expression,
            s.timezone,
            _state_enabled(job),
            target,
            role,
            names.input_document(job),
            retry,
            dlq,
        )


def _lambda_job(
    job: DeployJob,
    deployment: Deployment,
    code_sha256: Mapping[str, str],
    scheduler: R,
    group_role: R | None = None,
) -> list[Resource]:
    """A function's resources; its own execution role unless ``group_role`` (per-group)."""
    ids, s = names.JobIds(job), job.settings
    target = deployment.trigger
    dlq = R(DLQ_ID) if deployment.settings.dead_letter else None
    out: list[Resource] = [LogGroup(ids.log_group_id, ids.tf, ids.log_group, s.log_retention_days)]
    if group_role is None:
        out.append(function_role(job))
    # The runtime's deadline when an invocation comes without one (Lambda sets no variable
    # with the function's timeout: "Defined runtime environment variables", Lambda guide).
    env: tuple[tuple[str, Value], ...] = (("CRONMIGRATE_TIMEOUT", str(s.timeout)),)
    if _locked(job):
        env += (("CRONMIGRATE_LOCK_TABLE", R(LOCK_ID, "name")),)
    if job.python:  # Lambda's Python runtime hands its start to the bash runtime
        env += ((aws.EXEC_WRAPPER, names.PYTHON_WRAPPER),)
    if job.mail_topic_id:  # what cron mailed MAILTO, the runtime publishes (bootstrap)
        env += (
            ("CRONMIGRATE_MAIL", s.mail),
            ("CRONMIGRATE_MAIL_SUBJECT", names.mail_subject(job, deployment.host)),
            ("CRONMIGRATE_MAIL_TOPIC", R(job.mail_topic_id)),
        )
    function = R(ids.function_id)
    out.append(
        Function(
            ids.function_id,
            ids.tf,
            ids.function,
            ids.description,
            group_role or R(ids.role_id),
            aws.PYTHON_RUNTIME if job.python else aws.RUNTIME,
            names.HANDLER,
            s.architecture or "x86_64",
            s.memory,
            s.timeout,
            Code(ids.zip, code_sha256[ids.zip]),
            (R(LAYER_ID), *s.layers),
            R(ids.log_group_id, "name"),
            env,
            tuple(s.subnet_ids),
            tuple(s.security_group_ids),
            ids.invoke_config_id,
            s.function_retries,
            R(job.failure_topic_id),
            job.source,
            s.max_event_age_seconds,
        )
    )
    if deployment.settings.error_alarms:
        out.append(_errors_alarm(job))
    if target is Trigger.SCHEDULER:
        out += _schedules(job, function, scheduler, dlq)
        return out
    for i, sched in enumerate(job.schedules):
        rid, rtf, event, name = ids.rule(i)
        rule = Rule(
            rid,
            rtf,
            event,
            name,
            ids.description,
            sched.expression,
            _state_enabled(job),
            function,
            "function",
            RetryPolicy(s.delivery_retries, s.max_event_age_seconds),
            dlq,
        )
        out.append(rule)
        pid, ptf, statement_id = ids.permission(i)
        out.append(
            Permission(
                pid,
                ptf,
                R(ids.function_id, "name"),
                "events.amazonaws.com",
                R(rule.id),
                statement_id,
                "lambda:InvokeFunction",
            )
        )
    return out


def _errors_alarm(job: DeployJob) -> Alarm:
    """Any error of the function in a minute notifies its failure topic: also the failures
    Lambda's on-failure destination never sees (a run that was throttled and dropped)."""
    ids = names.JobIds(job)
    return Alarm(
        ids.alarm_id,
        ids.tf,
        ids.alarm,
        ids.alarm_description,
        "AWS/Lambda",
        "Errors",
        (("FunctionName", R(ids.function_id, "name")),),
        "Sum",
        60,
        0,
        (R(job.failure_topic_id),),
    )


def _dead_letters(deployment: Deployment) -> list[Resource]:
    """One SQS queue for the runs EventBridge could not deliver after its retries (without
    it they are dropped without trace), and an alarm when anything is in it."""
    settings = deployment.settings
    if not settings.dead_letter or not deployment.jobs:
        return []
    out: list[Resource] = [
        Queue(DLQ_ID, "dead_letters", DLQ_RETENTION, "Scheduled runs that were never delivered"),
        Alarm(
            "DeadLetterAlarm",
            "dead_letters",
            names.dead_letter_alarm(settings.name_prefix, deployment.host),
            "A scheduled run could not be delivered: see the dead-letter queue",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            (("QueueName", R(DLQ_ID, "name")),),
            "Maximum",
            300,
            0,
            (R(FAILURE_TOPIC),),
        ),
    ]
    if deployment.trigger is Trigger.RULES:
        # EventBridge rules send dead letters under the queue's own policy ("Using
        # dead-letter queues to process undelivered events", EventBridge User Guide).
        out.append(
            QueuePolicy(
                "DeadLetterQueuePolicy",
                "dead_letters",
                R(DLQ_ID, "url"),
                (
                    Statement(
                        ("sqs:SendMessage",),
                        (R(DLQ_ID),),
                        {
                            "ArnLike": {
                                "aws:SourceArn": Arn(
                                    "arn:{partition}:events:{region}:{account}:rule/"
                                    + settings.name_prefix
                                    + "*"
                                )
                            }
                        },
                        principal="events.amazonaws.com",
                        sid="RulesDeliverDeadLetters",
                    ),
                ),
            )
        )
    return out


def _runcommand_job(job: DeployJob, scheduler: R, deployment: Deployment) -> list[Resource]:
    """Topics, the state machine and its role, and the schedule(s) that start it."""
    ids = names.JobIds(job)
    dlq = R(DLQ_ID) if deployment.settings.dead_letter else None
    success, failure = ids.success_topic_id, ids.failure_topic_id
    key = R(ALERTS_KEY)
    out: list[Resource] = [
        Topic(success, ids.success_topic_tf, "cron job succeeded", kms_key=key),
        Topic(failure, ids.failure_topic_tf, "cron job failed", kms_key=key),
    ]
    for i, address in enumerate(sorted(set(job.mailto) | set(deployment.settings.notify))):
        sid, stf = ids.subscription(address, i)
        out.append(Subscription(sid, stf, R(failure), "email", address))
    statements = [
        allow("ssm:SendCommand", Arn("arn:{partition}:ssm:{region}::document/AWS-RunShellScript")),
        instances_statement(job),
        allow(
            "ssm:ListCommands",
            "*",
            comment="ListCommands has no resource-level permissions (Service "
            "Authorization Reference, AWS Systems Manager): the action is named, the "
            "resource cannot be",
        ),
        *publish(R(success), R(failure)),
        allow(
            LOG_DELIVERY,
            "*",
            comment="Step Functions delivers logs through CloudWatch Logs' vended-log "
            'deliveries, whose actions take no resource ("Using CloudWatch Logs to log '
            'execution history", Step Functions Developer Guide: '
            "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html)",
        ),
    ]
    logs = LogGroup(
        ids.machine_log_group_id,
        ids.machine_role_tf,
        ids.machine_log_group,
        job.settings.log_retention_days,
    )
    out.append(logs)
    substitutions: list[tuple[str, Value]] = [
        ("SuccessTopic", R(success)),
        ("FailureTopic", R(failure)),
    ]
    if _locked(job):
        statements.append(own_keys(job))
        substitutions.append(("LockTable", R(LOCK_ID, "name")))
    role = Role(
        ids.machine_role_id,
        ids.machine_role_tf,
        trust(
            "states.amazonaws.com",
            source_account=True,
            source_arn=Arn(
                "arn:{partition}:states:{region}:{account}:stateMachine:" + ids.function
            ),
        ),
        ids.role_prefix,
        (Policy("run-command-on-own-instances", "", tuple(statements)),),
    )
    machine = StateMachine(
        ids.machine_id,
        ids.tf,
        ids.function,
        R(role.id),
        ids.definition,
        definition(job),
        tuple(substitutions),
        job.source,
        log_group=R(logs.id, "log_streams"),
        scanner_skips=(
            (
                "CKV_AWS_285",
                "execution history logged at ERROR level without execution data: a run's "
                "data holds the command's output, which may hold secrets",
            ),
        ),
    )
    out += [role, machine]
    out += _schedules(job, R(machine.id), scheduler, dlq)
    return out


def _alerts(deployment: Deployment) -> list[Resource]:
    """Where runs are told. cron mailed a job's output to MAILTO (to the crontab's owner
    when MAILTO was unset), whatever the exit status, and nothing when there was none: here
    each distinct MAILTO has a topic its addresses subscribe to, which the runtime publishes
    a run's output to (``mail:``); the deployment's failure topic, with the settings'
    ``notify:`` addresses, hears of every failure from Lambda's on-failure destination and
    the functions' Errors alarms (also what the runtime cannot report: a crash, a run Lambda
    dropped). Each address confirms its subscription once, from the e-mail AWS sends."""
    out: list[Resource] = []
    if not deployment.jobs:
        return out
    topics: list[tuple[str, str, str, tuple[str, ...]]] = [
        (
            FAILURE_TOPIC,
            "cron job failures",
            "Failures of every job (Lambda's on-failure destination) and alarms",
            deployment.settings.notify,
        )
    ]
    seen: set[str] = set()
    for job in deployment.jobs:
        if not job.mail_topic_id or job.mail_topic_id in seen:
            continue
        seen.add(job.mail_topic_id)
        topics.append(
            (
                job.mail_topic_id,
                "cron mail",
                f"What the jobs whose MAILTO is {', '.join(job.mailto)} mail",
                job.mailto,
            )
        )
    out.append(
        Key(
            ALERTS_KEY,
            "alerts",
            "Encrypts the cron jobs' topics (their output and failures) at rest",
            alerts_key_policy(),
        )
    )
    for tid, display, comment, addresses in topics:
        tf = tf_label(tid)
        out.append(Topic(tid, tf, display, comment, R(ALERTS_KEY)))
        for i, address in enumerate(sorted(addresses)):
            sid, stf = names.subscription(tid, address, i)
            out.append(Subscription(sid, stf, R(tid), "email", address))
    return out
