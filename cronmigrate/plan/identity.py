"""Who a job is and what it is called, decided once, in the plan: its crontab's path on the
server, its line there, its identity (:class:`~cronmigrate.jobindex.Identity`: no line
number in it) and its name (the function's name without the deployment's prefix), which it
keeps from one ``generate`` to the next."""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from cronmigrate import aws_facts as aws
from cronmigrate.analysis import commands
from cronmigrate.analysis.shell import read
from cronmigrate.crontab.model import CronJob
from cronmigrate.errors import CronmigrateError
from cronmigrate.jobindex import Identity, Previous


def short_hash(text: str, n: int = 6) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:n]


def server_path(path: str, root: Path) -> str:
    """The crontab's path as cron sees it on the server: relative to ``root`` (a copy of
    the server) when it lies under it, else absolute. Never the path as typed, so that
    names and settings keys do not change with the working directory. Asked for each job:
    resolved once per crontab and run."""
    return _server_path(path, root, os.getcwd())  # a relative path: from the directory now


@functools.lru_cache(maxsize=4096)
def _server_path(path: str, root: Path, cwd: str) -> str:
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


def identities(jobs: Sequence[CronJob], root: Path, host: str = "") -> list[Identity]:
    """Each job's identity: its crontab on the server, user, command, standard input and
    ``host``, with its ordinal among the jobs equal in all of these (in file order). A
    commented-out line is not a job: it takes no ordinal."""
    seen: dict[tuple[str, str, str, str | None, str], int] = {}
    out = []
    for job in jobs:
        same = (server_path(job.location.path, root), job.user or "", job.command, job.stdin, host)
        n = seen.get(same, 0)
        if not job.disabled or job.migrated:
            seen[same] = n + 1
        out.append(Identity(*same, n))
    return out


def job_key(job: CronJob, identity: Identity, prefix: str, digits: int = 6) -> str:
    """``<script>-<hash of the job's identity>``, fitting in a function name after ``prefix``.

    Six hex digits of the hash; a job whose name another job already has gets more
    (``digits``), so that names never clash and the others keep theirs. No line number goes
    in: a job keeps its name when lines are added, removed or moved around it."""
    room = aws.FUNCTION_NAME_MAX - len(prefix) - digits - 1
    readable = stem(job.command)[:room].rstrip("-_") or "job"
    return f"{readable}-{short_hash(identity.text(), digits)}"


def logical_id(name: str) -> str:
    """A CloudFormation logical id (alphanumeric) from a job's name."""
    parts = re.split(r"[^A-Za-z0-9]+", name)
    ident = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return ident if ident[:1].isalpha() else f"Job{ident}"


def tf_label(name: str) -> str:
    """A Terraform resource label from a job's name or a logical id."""
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


class Naming(NamedTuple):
    """A job to name: what it is, and what is already known of its name."""

    job: CronJob
    identity: Identity
    kept: str | None  # its name in the previous output (the same identity), if any
    given: str | None  # ``name:`` in its settings


def kept_names(
    jobs: Sequence[tuple[CronJob, Identity, str]], previous: Previous, prefix: str
) -> list[str | None]:
    """The name each job had in the previous output: found by identity (a job with the same
    command in the same crontab, as the same user); among several such jobs the one with the
    same schedule first, then in order. Schema 1 outputs are matched by line, in crontabs
    whose bytes did not change. A job switched over by ``cutover`` is named by its marker."""
    out: list[str | None] = [None] * len(jobs)
    groups: dict[tuple[str, str, str, str | None, str], list[int]] = {}
    for i, (job, identity, source) in enumerate(jobs):
        if job.migrated and job.migrated.startswith(prefix):
            out[i] = job.migrated.removeprefix(prefix)
        elif job.disabled:
            continue
        elif identity.same_command in previous.by_identity:
            groups.setdefault(identity.same_command, []).append(i)
        elif source in previous.by_line and previous.by_line[source].startswith(prefix):
            out[i] = previous.by_line[source].removeprefix(prefix)
    for same, members in groups.items():
        left = list(previous.by_identity[same])  # (ordinal, cron text, key)
        for exact in (True, False):
            for i in members:
                if out[i] is not None or not left:
                    continue
                cron = jobs[i][0].schedule_text
                match = next((e for e in left if not exact or e[1] == cron), None)
                if match is not None:
                    left.remove(match)
                    out[i] = match[2]
    return out


class Namer:
    """Names the jobs of one deployment: a job keeps the name it had (or is given one by its
    settings); the others get ``<stem>-<hash>``, with a longer hash where that is already
    taken (as a function name, a CloudFormation logical id or a Terraform label), so that
    names never clash and the others keep theirs."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.taken: dict[str, str] = {}  # function name, logical id or label → its job

    def assign(self, jobs: Sequence[Naming]) -> list[str]:
        """Names in the order given: the ones given or kept are reserved first."""
        out = [""] * len(jobs)
        for i, n in enumerate(jobs):
            if n.given:
                out[i] = self._take(n.job, n.given)
        for i, n in enumerate(jobs):
            if not out[i] and n.kept and self._clash(n.kept) is None:
                out[i] = self._take(n.job, n.kept)  # a kept name never takes a given one
        for i, n in enumerate(jobs):
            if out[i] or (n.job.disabled and not n.job.migrated):
                continue
            digits = 6
            key = job_key(n.job, n.identity, self.prefix, digits)
            while self._clash(key) is not None and digits < 16:
                digits += 2
                key = job_key(n.job, n.identity, self.prefix, digits)
            out[i] = self._take(n.job, key)
        return out

    def _take(self, job: CronJob, key: str) -> str:
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
