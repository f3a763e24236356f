"""Every generated name, decided once: function keys, logical ids, Terraform labels, paths
in the output directory, schedule names and descriptions, SSM parameters of secrets."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from cronmigrate import aws_facts as aws
from cronmigrate.analysis import commands
from cronmigrate.analysis.secrets import is_secret, parameter_name
from cronmigrate.analysis.shell import read

if TYPE_CHECKING:
    from cronmigrate.deploy.jobs import DeployJob
    from cronmigrate.plan.model import JobPlan

HANDLER = "function.sh"  # the job's script in its zip: Lambda's Handler setting
LAYER_DIR = "layers/bash-runtime"
LAYER_ZIP = "dist/bash-runtime-layer.zip"
LAYER_NAME = "cronmigrate-bash-runtime"

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Set by Lambda or by the runtime: a crontab line cannot override them.
RESERVED = frozenset(
    {"LAMBDA_TASK_ROOT", "_HANDLER", "AWS_LAMBDA_RUNTIME_API", "CRONMIGRATE_EVENT"}
)


def short_hash(text: str, n: int = 6) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:n]


def server_path(path: str, root: Path) -> str:
    """The crontab's path as cron sees it on the server: relative to ``root`` (a copy of
    the server) when it lies under it, else absolute. Never the path as typed, so that
    names and settings keys do not change with the working directory."""
    if path in ("-", "<stdin>"):
        return path
    resolved = Path(path).resolve()
    try:
        return "/" + resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def job_source(jp: JobPlan, root: Path) -> str:
    """``/etc/cron.d/reports:7``: the job's line on the server."""
    return f"{server_path(jp.job.location.path, root)}:{jp.job.location.line}"


def job_key(jp: JobPlan, prefix: str, root: Path, digits: int = 6, host: str = "") -> str:
    """``<script>-<hash of the line on the server>``, fitting in a function name after
    ``prefix``.

    Six hex digits of the hash; a job whose name another job already has gets more
    (``digits``), so that names never clash and the others keep theirs. ``host`` (the
    ``--host`` option) tells apart servers deployed into one account."""
    room = aws.FUNCTION_NAME_MAX - len(prefix) - digits - 1
    readable = stem(jp.job.command)[:room].rstrip("-_") or "job"
    # With --host, the server's name is part of what is hashed: two servers' /etc/crontab
    # line 18 are two functions in one account.
    where = f"{host}:{job_source(jp, root)}" if host else job_source(jp, root)
    return f"{readable}-{short_hash(where, digits)}"


def logical_id(name: str) -> str:
    """A CloudFormation logical id (alphanumeric) from a job key."""
    parts = re.split(r"[^A-Za-z0-9]+", name)
    ident = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return ident if ident[:1].isalpha() else f"Job{ident}"


def tf_label(name: str) -> str:
    """A Terraform resource label from a job key or logical id."""
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


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


# Programs that are not what a job is about: wrappers, tests, output.
_NOT_THE_JOB = frozenset(
    {
        "cd",
        "test",
        "[",
        "true",
        ":",
        "sudo",
        "su",
        "flock",
        "timeout",
        "nice",
        "ionice",
        "env",
        "nohup",
        "exec",
        "command",
        "time",
        "chronic",
        "stdbuf",
        "echo",
        "printf",
        "sleep",
        "logger",
    }
)


def stem(command: str) -> str:
    """A readable name for the job: its first program that is not a wrapper, a test or a
    command substitution (``[ $(date +%d) -le 7 ] && checkarray`` is checkarray); for
    ``run-parts DIR`` the directory (``run-parts /etc/cron.daily`` is daily)."""
    reading = read(command)
    programs = (
        [(u.program, u.args) for u in reading.uses if not u.substituted]
        if reading.parsed
        else [
            (found[0], tuple(found[1]))
            for argv in commands.simple_commands(command)
            if (found := commands.program(argv))
        ]
    )
    for prog, args in programs:
        name = PurePosixPath(prog).name
        if name in _NOT_THE_JOB or name in commands.SCRIPT_INTERPRETERS or name.startswith("$"):
            continue
        if name == "run-parts" and args and not args[-1].startswith("-"):
            # /etc/cron.daily is "daily": with the default prefix, cron-daily-<hash>
            name = PurePosixPath(args[-1]).name.removeprefix("cron.")
        name = re.sub(r"\.(sh|bash|php|py|pl|rb|js)$", "", name)
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_").lower()
        if name:
            return name
    return "job"
