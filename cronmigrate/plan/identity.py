"""Who a job is and what it is called: its crontab's path on the server, its line there, and
its name (the function's name without the deployment's prefix), decided once, in the plan."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from cronmigrate import aws_facts as aws
from cronmigrate.analysis import commands
from cronmigrate.analysis.shell import read
from cronmigrate.crontab.model import CronJob
from cronmigrate.errors import CronmigrateError


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


def job_source(job: CronJob, root: Path) -> str:
    """``/etc/cron.d/reports:7``: the job's line on the server."""
    return f"{server_path(job.location.path, root)}:{job.location.line}"


def job_key(job: CronJob, prefix: str, root: Path, digits: int = 6, host: str = "") -> str:
    """``<script>-<hash of the line on the server>``, fitting in a function name after
    ``prefix``.

    Six hex digits of the hash; a job whose name another job already has gets more
    (``digits``), so that names never clash and the others keep theirs. ``host`` (the
    ``--host`` option) tells apart servers deployed into one account."""
    room = aws.FUNCTION_NAME_MAX - len(prefix) - digits - 1
    readable = stem(job.command)[:room].rstrip("-_") or "job"
    # With --host, the server's name is part of what is hashed: two servers' /etc/crontab
    # line 18 are two functions in one account.
    where = f"{host}:{job_source(job, root)}" if host else job_source(job, root)
    return f"{readable}-{short_hash(where, digits)}"


def logical_id(name: str) -> str:
    """A CloudFormation logical id (alphanumeric) from a job's name."""
    parts = re.split(r"[^A-Za-z0-9]+", name)
    ident = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return ident if ident[:1].isalpha() else f"Job{ident}"


def tf_label(name: str) -> str:
    """A Terraform resource label from a job's name or a logical id."""
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


class Namer:
    """Names the jobs of one deployment, in the plan's order: ``<stem>-<hash>``, or the name
    the settings give; a generated name that another job already has (as a function name,
    a CloudFormation logical id or a Terraform label) gets a longer hash, so that names never
    clash and the others keep theirs."""

    def __init__(self, prefix: str, root: Path, host: str = "") -> None:
        self.prefix, self.root, self.host = prefix, root, host
        self.taken: dict[str, str] = {}  # function name, logical id or label → its job

    def name(self, job: CronJob, given: str | None = None, proposed: str | None = None) -> str:
        """The job's name: ``given`` (the settings' ``name:``), else ``proposed`` (its
        :func:`job_key`, if already made) or a longer hash where that clashes."""
        key = given or proposed or job_key(job, self.prefix, self.root, host=self.host)
        digits = 6
        while not given and self._clash(key) is not None and digits < 16:
            digits += 2
            key = job_key(job, self.prefix, self.root, digits, self.host)
        function = f"{self.prefix}{key}"
        if len(function) > aws.FUNCTION_NAME_MAX:
            raise CronmigrateError(
                f"{job.location.short}: function name {function!r} is "
                f"longer than {aws.FUNCTION_NAME_MAX} characters"
            )
        clash = self._clash(key)
        if clash is not None:
            raise CronmigrateError(
                f"{job.location.short}: the name {clash[0]!r} is already used by the job at "
                f"{clash[1]}; set another name in the config file"
            )
        for form in self._forms(key):
            self.taken[form] = job.location.short
        return key

    def _forms(self, key: str) -> tuple[str, ...]:
        return (f"f:{self.prefix}{key}", f"i:{logical_id(key)}", f"t:{tf_label(key)}")

    def _clash(self, key: str) -> tuple[str, str] | None:
        for form in self._forms(key):
            if form in self.taken:
                return form[2:], self.taken[form]
        return None


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
