"""``cronmigrate run OUTDIR JOB``: every name a user sees for a job names it, the function's,
its directory under functions/, and its line, on the server or as given to generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cronmigrate import jobindex
from tests.helpers import SAMPLES, run_cli

ARGS = ("etc/crontab", "etc/cron.d", "var/spool/cron/crontabs", "--root", ".")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run-names") / "out"
    res = run_cli("generate", *ARGS, "-c", "cronmigrate.yaml", "-o", str(out), cwd=SAMPLES)
    assert res.returncode == 0, res.stderr
    return out


def _job(out: Path, source: str) -> dict[str, object]:
    doc = json.loads((out / jobindex.INDEX).read_text())
    return next(j for j in doc["jobs"] if j["source"] == source)


@pytest.mark.parametrize(
    "name",
    [
        "{function}",
        "{key}",
        "/etc/cron.d/reports:9",  # on the server
        "etc/cron.d/reports:9",  # as given to generate, from samples/
        "samples/etc/cron.d/reports:9",  # as given, from the checkout
        "./etc/cron.d/reports:9",
        "cron.d/reports:9",  # the end of a path is enough when it names one job
        "reports:9",
    ],
)
def test_each_name_of_a_job_finds_it(out: Path, name: str) -> None:
    job = _job(out, "/etc/cron.d/reports:9")
    found = jobindex.find(jobindex.read(out), name.format(**job))
    assert [j["function"] for j in found] == [job["function"]]
    assert (out / "functions" / str(job["key"])).is_dir()


def test_a_name_that_matches_nothing_or_several(out: Path) -> None:
    doc = jobindex.read(out)
    assert jobindex.find(doc, "etc/cron.d/reports:99") == []
    assert jobindex.find(doc, "elsewhere/reports:9") == []
    assert jobindex.find(doc, "nope") == []


def test_a_short_name_of_two_jobs_names_neither() -> None:
    doc = {
        "jobs": [
            {
                "function": "a",
                "source": "/etc/cron.d/app:3",
                "crontab": "/etc/cron.d/app",
                "line": 3,
            },
            {
                "function": "b",
                "source": "/srv/cron.d/app:3",
                "crontab": "/srv/cron.d/app",
                "line": 3,
            },
        ]
    }
    assert [j["function"] for j in jobindex.find(doc, "cron.d/app:3")] == ["a", "b"]
    assert [j["function"] for j in jobindex.find(doc, "etc/cron.d/app:3")] == ["a"]


def test_run_takes_the_line_as_typed(out: Path) -> None:
    res = run_cli("run", str(out), "samples/etc/cron.d/reports:9", cwd=SAMPLES.parent)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "notify: business-hours" in res.stdout
    assert "would mail to" in res.stdout + res.stderr  # MAILTO=reports@example.com
    bad = run_cli("run", str(out), "reports:99", cwd=SAMPLES.parent)
    assert bad.returncode == 2
    assert "name a job by its function, its directory under functions/" in bad.stderr
