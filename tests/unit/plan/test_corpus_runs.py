"""Over real crontabs (Debian packages' cron.d files and /etc/crontab, tests/corpus/ok), generated
against a copy of a server that holds none of their programs: no function is written whose
program is missing; every job left out says why and what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cronmigrate.analysis.runtime_tools import AVAILABLE, SHELL_BUILTINS
from cronmigrate.analysis.shell import read
from cronmigrate.commands.generate import generate
from cronmigrate.commands.plan import Inputs
from tests.helpers import ROOT

CORPUS = sorted((ROOT / "tests/corpus/ok").iterdir())
# What a refusal tells the user to do about a program the function would not have.
FIXES = ("layer", "runcommand", "--root", "Port", "requirements:", "copy it there")


def _runs_on_lambda(program: str, python: bool) -> bool:
    """A program the function has: the runtime's, bundled into its zip, or Python's."""
    name = program.rsplit("/", 1)[-1]
    return (
        program.startswith("${LAMBDA_TASK_ROOT}/")
        or (name in AVAILABLE | SHELL_BUILTINS and "/" not in program.lstrip("/usr").lstrip("/"))
        or (python and name in ("python", "python3"))
        or program.startswith("$")
    )


@pytest.mark.parametrize("crontab", CORPUS, ids=lambda p: p.name)
def test_no_generated_function_lacks_its_program(crontab: Path, tmp_path: Path) -> None:
    empty = tmp_path / "server"  # a copy of a server with none of the programs
    (empty / "etc/cron.d").mkdir(parents=True)
    tab = empty / "etc/cron.d" / crontab.name
    tab.write_bytes(crontab.read_bytes())
    done = generate([str(tab)], tmp_path / "out", Inputs(root=empty, system=True))
    index = json.loads((tmp_path / "out/cronmigrate-jobs.json").read_text())
    for job in index["jobs"]:
        handler = tmp_path / "out" / "functions" / job["function"].removeprefix("cron-")
        text = (handler / "function.sh").read_text()
        command = text.split("-c ", 1)[1].rsplit("<", 1)[0].strip().strip("'")
        for use in read(command).uses:
            if use.substituted:
                continue
            assert _runs_on_lambda(use.program, job["runtime"].startswith("python")), (
                crontab.name,
                job["source"],
                use.program,
            )
    for skipped in done.generated.deployment.skipped:
        assert skipped.message.startswith("not generated: ")
        assert any(fix in skipped.message for fix in FIXES) or skipped.code == "CM520", skipped
