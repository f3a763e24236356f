"""Every generated name, decided once: function keys, logical ids, Terraform labels, paths
in the output directory, schedule names and descriptions, SSM parameters of secrets."""

from __future__ import annotations

import json
import re

from cronmigrate import aws_facts as aws
from cronmigrate.analysis.secrets import is_secret, parameter_name
from cronmigrate.deploy.jobs import DeployJob

HANDLER = "function.sh"  # the job's script in its zip: Lambda's Handler setting
LAYER_DIR = "layers/bash-runtime"
LAYER_ZIP = "dist/bash-runtime-layer.zip"
LAYER_NAME = "cronmigrate-bash-runtime"

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Set by Lambda or by the runtime: a crontab line cannot override them.
RESERVED = frozenset(
    {"LAMBDA_TASK_ROOT", "_HANDLER", "AWS_LAMBDA_RUNTIME_API", "CRONMIGRATE_EVENT"}
)


def job_dir(job: DeployJob) -> str:
    return f"functions/{job.key}"


def job_zip(job: DeployJob) -> str:
    return f"dist/{job.key}.zip"


def definition_path(job: DeployJob) -> str:
    return f"statemachines/{job.key}.asl.json"


def schedule_name(job: DeployJob, index: int) -> str:
    return job.function_name if index == 0 else f"{job.function_name[:62]}-{index + 1}"


def description(job: DeployJob) -> str:
    text = f"{job.source}: {job.plan.job.schedule_text} ({job.plan.timezone})"
    text = re.sub(r"[^\x20-\x7e]", "?", text)
    return text if len(text) <= 256 else text[:253] + "..."


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
