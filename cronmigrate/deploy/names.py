"""Every generated name and id, decided once: each job's resources (:class:`JobIds`), the
groups', the lock table's, paths in the output directory, schedule names and descriptions,
SSM parameters of secrets. A job's names come from its name (:mod:`cronmigrate.plan.identity`),
never from a line number."""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from cronmigrate import aws_facts as aws
from cronmigrate.analysis.secrets import is_secret, parameter_name
from cronmigrate.deploy.jobs import DeployJob
from cronmigrate.plan.identity import logical_id, short_hash, tf_label

HANDLER = "function.sh"  # the job's script in its zip: Lambda's Handler setting
LAYER_DIR = "layers/bash-runtime"
LAYER_ZIP = "dist/bash-runtime-layer.zip"
LAYER_NAME = "cronmigrate-bash-runtime"
PYTHON_WRAPPER = "/opt/cronmigrate/python-runtime"  # in the layer (render/runtime.py)

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Set by Lambda or by the runtime: a crontab line cannot override them.
RESERVED = frozenset(
    {"LAMBDA_TASK_ROOT", "_HANDLER", "AWS_LAMBDA_RUNTIME_API", "CRONMIGRATE_EVENT"}
)


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, an ellipsis saying where it was cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class JobIds:
    """Every name and id of one job's resources, from its name (which it keeps from one
    generate to the next): functions, roles, log groups, schedules, rules, permissions,
    alarms, topics, state machines; their CloudFormation logical ids and Terraform labels;
    their paths in the output directory. AWS's length limits from ``aws_facts``."""

    def __init__(self, job: DeployJob) -> None:
        self.job = job
        self.function = job.function_name  # the function's or state machine's name
        self.logical = job.logical_id  # the base of its CloudFormation logical ids
        self.tf = tf_label(job.key)  # the base of its Terraform labels
        self.function_id = f"{self.logical}Function"
        self.role_id = f"{self.logical}Role"
        self.log_group_id = f"{self.logical}LogGroup"
        self.log_group = f"/aws/lambda/{self.function}"
        self.invoke_config_id = f"{self.logical}InvokeConfig"
        self.alarm_id = f"{self.logical}ErrorsAlarm"
        self.alarm = cut(f"{self.function}-errors", aws.ALARM_NAME_MAX)
        self.alarm_description = cut(
            f"{job.source}: the cron job failed", aws.ALARM_DESCRIPTION_MAX
        )
        self.machine_id = f"{self.logical}StateMachine"
        self.machine_role_id = f"{self.logical}StateMachineRole"
        self.machine_role_tf = f"{self.tf}_sfn"
        self.machine_log_group_id = f"{self.logical}StateMachineLogGroup"
        # Step Functions' documented prefix for the log groups it delivers to: its resource
        # policy then covers them all (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html)
        self.machine_log_group = f"/aws/vendedlogs/states/{self.function}"
        self.success_topic_id = f"{self.logical}SuccessTopic"
        self.failure_topic_id = f"{self.logical}FailureTopic"
        self.success_topic_tf = f"{self.tf}_success"
        self.failure_topic_tf = f"{self.tf}_failure"
        self.output_id = f"{self.function_id}Arn"
        self.machine_output_id = f"{self.machine_id}Arn"
        # Terraform's name_prefix for the role: the provider adds a unique suffix.
        self.role_prefix = self.function[: aws.ROLE_NAME_PREFIX_MAX - 6] + "-"
        self.dir = f"functions/{job.key}"
        self.zip = f"dist/{job.key}.zip"
        self.definition = f"statemachines/{job.key}.asl.json"
        self.description = description(job)

    def numbered(self, i: int) -> tuple[str, str]:
        """(logical id suffix, Terraform label suffix) of a job's i-th schedule or rule."""
        return ("", "") if i == 0 else (str(i + 1), f"_{i + 1}")

    def schedule(self, i: int) -> tuple[str, str, str, str]:
        """The i-th schedule's (logical id, label, SAM event name, name)."""
        n, t = self.numbered(i)
        return f"{self.logical}Schedule{n}", f"{self.tf}{t}", f"Schedule{n}", self.name(i)

    def rule(self, i: int) -> tuple[str, str, str, str]:
        """The i-th rule's (logical id, label, SAM event name, name)."""
        n, t = self.numbered(i)
        return f"{self.logical}Rule{n}", f"{self.tf}{t}", f"Rule{n}", self.name(i)

    def permission(self, i: int) -> tuple[str, str, str]:
        """The i-th rule's permission: (logical id, label, statement id). One statement per
        rule in the function's resource policy: the ids must differ."""
        n, t = self.numbered(i)
        return f"{self.logical}Permission{n}", f"{self.tf}{t}", f"AllowEventBridgeRule{n}"

    def name(self, i: int) -> str:
        """The i-th schedule's or rule's name: the function's, numbered from the second."""
        if i == 0:
            return self.function
        suffix = f"-{i + 1}"
        return self.function[: aws.SCHEDULE_NAME_MAX - len(suffix)] + suffix

    def subscription(self, address: str, i: int) -> tuple[str, str]:
        """An e-mail subscription to the job's failure topic: (logical id, label)."""
        return f"{self.logical}FailureTo{short_hash(address, 8)}", f"{self.tf}_failure_{i + 1}"


class GroupIds(NamedTuple):
    stack_id: str  # the nested stack's logical id in the parent
    scheduler_role_id: str
    scheduler_role_tf: str
    scheduler_role_prefix: str  # Terraform's name_prefix
    function_role_id: str  # the functions' shared execution role (roles: per-group)
    function_role_tf: str
    function_role_prefix: str


def group_ids(group: str, prefix: str) -> GroupIds:
    gid = "Jobs" + logical_id(group)
    role_prefix = f"{prefix}{group}"[: aws.ROLE_NAME_PREFIX_MAX - 11] + "-sch-"
    fn_prefix = f"{prefix}{group}"[: aws.ROLE_NAME_PREFIX_MAX - 11] + "-fns-"
    return GroupIds(
        gid,
        f"{gid}SchedulerRole",
        f"{tf_label(group)}_scheduler",
        role_prefix,
        f"{gid}FunctionRole",
        f"{tf_label(group)}_functions",
        fn_prefix,
    )


def subscription(topic_id: str, address: str, i: int) -> tuple[str, str]:
    """An e-mail address's subscription to a deployment's topic: (logical id, label)."""
    return f"{topic_id}To{short_hash(address, 8)}", f"{tf_label(topic_id)}_{i + 1}"


def lock_table(host: str) -> str:
    """The duplicate guard's table (Terraform names it; CloudFormation lets AWS)."""
    return f"cronmigrate-locks-{host}" if host else "cronmigrate-locks"


def dead_letter_alarm(prefix: str, host: str) -> str:
    return f"{prefix}{host}-dead-letters" if host else f"{prefix}dead-letters"


def description(job: DeployJob) -> str:
    text = f"{job.source}: {job.plan.job.schedule_text} ({job.plan.timezone})"
    return cut(re.sub(r"[^\x20-\x7e]", "?", text), aws.DESCRIPTION_MAX)


def mail_subject(job: DeployJob, host: str) -> str:
    """cron's subject, ``Cron <user@host> command`` (do_command.c), the host being the
    server's name (--host) or else the function's; ASCII and short enough for SNS (a
    subject is printable ASCII of at most 100 characters: SNS API Reference, Publish), room
    left for the runtime's " (failed)"."""
    who = f"{job.plan.job.user or 'root'}@{host or job.function_name}"
    text = re.sub(r"\s+", " ", f"Cron <{who}> {job.plan.job.command}").strip()
    return cut(re.sub(r"[^\x20-\x7e]", "?", text), aws.SNS_SUBJECT_MAX - len(MAIL_FAILED))


MAIL_FAILED = " (failed)"  # the runtime's mark on a failed run's subject (bootstrap)


def input_document(job: DeployJob) -> str:
    """The event each scheduled invocation receives (Scheduler fills in the <aws.…> fields)."""
    return json.dumps(
        {
            "source": "cronmigrate",
            "job": job.function_name,
            "cron": job.plan.job.schedule_text,
            "crontab": job.source,
            "scheduled_time": aws.SCHEDULED_TIME,
            "schedule_arn": aws.SCHEDULE_ARN,
            "execution_id": aws.EXECUTION_ID,
        },
        separators=(",", ":"),
    )


def is_variable(name: str) -> bool:
    """A crontab variable the job's environment can carry."""
    return bool(_IDENT.match(name)) and name not in RESERVED


def secret_variables(job: DeployJob) -> list[tuple[str, str]]:
    """(variable, SSM parameter) for each secret in the job's crontab environment."""
    seen: dict[str, str] = {}
    for name, value in job.plan.job.environment:
        if is_variable(name) and is_secret(name, value):
            seen[name] = parameter_name(job.function_name, name)
    return sorted(seen.items())
