"""``cronmigrate-jobs.json``: the index of the jobs an output directory holds, written by
``generate`` (:mod:`cronmigrate.render.jobs_index`) and read by ``run``, ``cutover`` and
``status``: each job's function, line on the server, crontab, schedules, event, zip,
environment; and the hashes of the crontabs it was generated from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cronmigrate.errors import CronmigrateError

INDEX = "cronmigrate-jobs.json"
SCHEMA_VERSION = 1

Job = dict[str, Any]


class NoIndexError(CronmigrateError):
    """A directory ``generate`` did not write: a usage error."""

    exit_code = 2


def read(outdir: Path) -> dict[str, Any]:
    try:
        doc = json.loads((outdir / INDEX).read_text())
    except (OSError, ValueError):
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), list):
        raise NoIndexError(
            f"{outdir}: no {INDEX}: not a directory written by `cronmigrate generate`"
        )
    return doc


def jobs(doc: dict[str, Any]) -> list[Job]:
    return list(doc["jobs"])


def find(doc: dict[str, Any], name: str) -> Job | None:
    """The job ``name`` names: its function, or its line on the server (``FILE:LINE``)."""
    for job in jobs(doc):
        if name in (job["function"], job["source"], job["source"].lstrip("/")):
            return job
    return None
