"""``plan`` is ``generate``'s dry run: for the same inputs and options, the jobs plan calls
migratable are exactly the ones generate writes, and what plan refuses generate refuses with
the same code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli

TABS = ("etc/crontab", "etc/cron.d", "var/spool/cron/crontabs")
CASES = {
    "samples, no --root": (*TABS, "-z", "Europe/Berlin"),
    "samples, their copy": (*TABS, "--root", ".", "-c", "cronmigrate.yaml", "-z", "Europe/Berlin"),
    "samples, no layer": (*TABS, "--root", ".", "-z", "UTC"),
    "hard cases": ("hard-cases/crontab", "--root", ".", "-z", "America/New_York"),
}


@pytest.mark.parametrize("args", CASES.values(), ids=CASES.keys())
def test_plan_says_what_generate_writes(tmp_path: Path, args: tuple[str, ...]) -> None:
    planned = run_cli("plan", *args, "--format", "json", cwd=SAMPLES)
    assert planned.returncode in (0, 1), planned.stderr
    doc = json.loads(planned.stdout)
    migratable = {j["function"] for j in doc["jobs"] if j["status"] in ("ok", "warning")}
    refused = {
        j["source"]: next(r["code"] for r in j["reasons"] if r["severity"] == "error")
        for j in doc["jobs"]
        if j["status"] == "refused"
    }
    out = tmp_path / "out"
    made = run_cli("generate", *args, "-o", str(out), cwd=SAMPLES)
    assert made.returncode in (0, 1), made.stderr
    index = json.loads((out / "cronmigrate-jobs.json").read_text())
    written = {j["function"] for j in index["jobs"]}
    assert written == migratable
    functions = out / "functions"
    dirs = {"cron-" + p.name for p in functions.iterdir()} if functions.is_dir() else set()
    assert dirs == migratable  # functions/<name without the prefix>
    not_generated = dict(
        re.findall(r"^(\S+:\d+): (CM\d+) error: not generated", made.stdout + made.stderr, re.M)
    )
    assert not_generated == refused
