"""``cronmigrate run OUTDIR JOB``: one generated job on this machine, as Lambda runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from cronmigrate.commands.inputs import moment
from cronmigrate.local import run as local


class Ran(NamedTuple):
    job: dict[str, Any]  # its entry in the output's job index
    result: local.Result


def run(
    outdir: Path,
    name: str,
    time: str | None = None,
    use_aws: bool = False,
    on_this_machine: bool = False,
    timeout: int | None = None,
) -> Ran:
    """Run the job ``name`` (its function, or FILE:LINE); a Run Command job's script is
    printed, and run here with bash when ``on_this_machine``."""
    when = moment(time, "--time")
    job = local.load_job(outdir, name)
    if job["target"] == "runcommand":
        return Ran(job, local.run_script(job, on_this_machine))
    return Ran(job, local.run_lambda(outdir, job, when, use_aws, timeout))
