"""``cronmigrate-jobs.json``: the index of the jobs an output directory holds.

Written by ``generate`` (:mod:`cronmigrate.render.jobs_index`); read by ``run``, ``cutover``
and ``status``, and by the next ``generate`` into the same directory (or ``plan --against``),
which keeps each job's name (:class:`Previous`), says what changed, and refuses a ``jobs:``
key of the form ``FILE:LINE`` whose line now holds another command.

Schema 3 adds each job's ``deployed``: what ``cronmigrate status`` and ``cutover`` expect to
find in the account (the function's code hash and settings, each schedule or rule). Schema 2
records each job's identity (its crontab's path on the server, user, command with
its ``%`` part, ``--host``, ordinal among identical ones); schema 1 (cronmigrate before
identities) did not: its jobs are recognised by their line, and only in a crontab whose bytes
have not changed since (the index holds each crontab's SHA-256).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from cronmigrate.errors import CronmigrateError

INDEX = "cronmigrate-jobs.json"
SCHEMA_VERSION = 3

Job = dict[str, Any]


class NoIndexError(CronmigrateError):
    """A directory ``generate`` did not write: a usage error."""

    exit_code = 2


def _load(outdir: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads((outdir / INDEX).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), list):
        return None
    return doc


def read(outdir: Path) -> dict[str, Any]:
    doc = _load(outdir)
    if doc is None:
        raise NoIndexError(
            f"{outdir}: no {INDEX}: not a directory written by `cronmigrate generate`"
        )
    return doc


def jobs(doc: dict[str, Any]) -> list[Job]:
    return list(doc["jobs"])


def find(doc: dict[str, Any], name: str) -> list[Job]:
    """The jobs ``name`` may name: its function, its directory under ``functions/`` (the
    key), its line on the server (``/etc/cron.d/x:3``), else ``FILE:LINE`` where FILE and the
    crontab's path on the server end alike: the path given to generate
    (``copy/etc/cron.d/x:3``, ``/home/me/copy/etc/cron.d/x:3``) or its last names
    (``cron.d/x:3``). One job, or the candidates, or none. (The index keeps no path as given:
    the same input gives the same directory from any working directory.)"""
    all_jobs = jobs(doc)
    for job in all_jobs:
        if name in (job["function"], job.get("key"), job["source"], job["source"].lstrip("/")):
            return [job]
    path, sep, line = name.rpartition(":")
    if not sep or not line.isdigit() or not path:
        return []
    want = _parts(path)
    found = []
    for job in all_jobs:
        if job.get("line") != int(line):
            continue
        have = _parts(job.get("crontab") or "")
        n = min(len(want), len(have))
        if n and want[-n:] == have[-n:]:
            found.append(job)
    return found


def _parts(path: str) -> tuple[str, ...]:
    """A path's names, without ``.`` and empty ones: ``./etc//x`` and ``etc/x`` agree."""
    return tuple(p for p in path.split("/") if p not in ("", "."))


class Identity(NamedTuple):
    """Who a job is, whatever its line, schedule or settings: its crontab's path on the
    server, its user, its exact command and standard input (cron's ``%`` part), the server's
    name (``--host``), and its ordinal among jobs equal in all of these, in file order."""

    crontab: str
    user: str
    command: str
    stdin: str | None
    host: str
    ordinal: int = 0

    def text(self) -> str:
        """What a generated name's hash is taken of."""
        return json.dumps(list(self), ensure_ascii=False, separators=(",", ":"))

    @property
    def same_command(self) -> tuple[str, str, str, str | None, str]:
        """The identity without the ordinal."""
        return self[:5]

    def to_json(self) -> dict[str, Any]:
        return self._asdict()

    @classmethod
    def from_json(cls, doc: Any) -> Identity | None:
        try:
            return cls(
                str(doc["crontab"]),
                str(doc["user"]),
                str(doc["command"]),
                None if doc["stdin"] is None else str(doc["stdin"]),
                str(doc.get("host", "")),
                int(doc.get("ordinal", 0)),
            )
        except (KeyError, TypeError, ValueError):
            return None


class Previous(NamedTuple):
    """What the previous ``generate`` into an output directory decided: each job's key (its
    name without the prefix) by identity (schema 2) or by line (schema 1, unchanged crontabs
    only), the command each ``FILE:LINE`` settings key matched, and its jobs as written."""

    by_identity: dict[tuple[str, str, str, str | None, str], list[tuple[int, str, str]]]
    by_line: dict[str, str]  # schema 1: server line → key, for crontabs unchanged since
    settings_keys: dict[str, dict[str, Any]]  # FILE:LINE key → the job it matched then
    jobs: tuple[Job, ...]
    prefix: str = ""

    @classmethod
    def empty(cls) -> Previous:
        return cls({}, {}, {}, ())


def previous(outdir: Path | None, digests: dict[str, str]) -> Previous:
    """The previous run's decisions in ``outdir`` (nothing when it holds no index).
    ``digests`` maps each crontab's path (as given now, and on the server) to the SHA-256 of
    its bytes now: a schema-1 index's lines are trusted only in crontabs that did not change."""
    doc = _load(outdir) if outdir is not None else None
    if doc is None:
        return Previous.empty()
    by_identity: dict[tuple[str, str, str, str | None, str], list[tuple[int, str, str]]] = {}
    by_line: dict[str, str] = {}
    entries = [j for j in doc["jobs"] if isinstance(j, dict) and isinstance(j.get("function"), str)]
    found = doc.get("crontabs")
    old_digests: dict[str, Any] = found if isinstance(found, dict) else {}
    prefix = str(doc.get("name_prefix", ""))
    for job in entries:
        key = str(job.get("key") or job["function"].removeprefix(prefix))
        identity = Identity.from_json(job.get("identity"))
        if identity is not None:
            by_identity.setdefault(identity.same_command, []).append(
                (identity.ordinal, str(job.get("cron", "")), key)
            )
            continue
        crontab, source = str(job.get("crontab", "")), str(job.get("source", ""))
        if crontab in old_digests and digests.get(crontab) == old_digests[crontab]:
            by_line[source] = job["function"]  # schema 1 kept no key: the function's name
    found = doc.get("settings_keys")
    keys: dict[str, Any] = found if isinstance(found, dict) else {}
    return Previous(
        by_identity,
        by_line,
        {str(k): v for k, v in keys.items() if isinstance(v, dict)},
        tuple(entries),
        prefix,
    )
