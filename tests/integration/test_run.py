"""`cronmigrate run`: every sample job run on this machine as Lambda would run it, a failing
one, a timing-out one, and a Run Command job's script."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, generate_into, run_cli

# The two sample jobs that cannot succeed off their server here: PHP is a layer on Lambda
# (not on this machine) and example.com's API does not exist.
EXPECTED_FAILURES = {
    "cron-list-instances": "Cron.CommandFailed: the job exited with status 127",
    "cron-daily-export": "Cron.CommandFailed: the job exited with status 6",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The sample jobs write to /tmp (daily-export.sh): they must get a private one.
    from cronmigrate.local.run import can_unshare

    assert can_unshare(), "running jobs needs a private /tmp (unshare -m, as root or -r)"
    out = tmp_path_factory.mktemp("run") / "out"
    generate_into(out, root=SAMPLES, iac=frozenset({"sam"}))
    return out


def _jobs(out: Path) -> list[str]:
    return [j["function"] for j in json.loads((out / "cronmigrate-jobs.json").read_text())["jobs"]]


def test_every_sample_job_runs(out: Path) -> None:
    jobs = _jobs(out)
    assert len(jobs) == 14
    for name in jobs:
        res = run_cli("run", str(out), name, "--time", "2026-03-01T05:25:00Z")
        stem = name.rsplit("-", 1)[0]
        last = res.stderr.strip().splitlines()[-1]
        if stem in EXPECTED_FAILURES:
            assert res.returncode == 1, res.stderr
            assert f"{name}: failed ({EXPECTED_FAILURES[stem]}" in last
        else:
            assert res.returncode == 0, res.stderr
            assert last.startswith(f"{name}: ok (ok) in ")
        assert "Traceback" not in res.stderr
        assert "duplicate guard is skipped" in res.stdout  # no AWS account needed


def test_the_job_gets_the_event_of_its_schedule_and_its_output_streams(out: Path) -> None:
    res = run_cli("run", str(out), "/etc/crontab:19", "--time", "2026-03-01T05:25:00Z")
    assert "/etc/cron.daily/housekeeping:" in res.stdout  # run-parts --report, as on Lambda
    assert "daily housekeeping at" in res.stdout


def test_a_job_past_its_timeout_is_stopped(out: Path, tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("0 1 * * * echo started; sleep 30\n")
    out = tmp_path / "out"
    generate_into(out, [str(tmp_path / "tab")], cwd=tmp_path, root=tmp_path, iac=frozenset({"sam"}))
    (name,) = _jobs(out)
    start = time.monotonic()
    res = run_cli("run", str(out), name, "--timeout", "2")
    assert time.monotonic() - start < 10
    assert res.returncode == 1 and "started" in res.stdout
    assert f"{name}: failed (Cron.Timeout: stopped at the deadline" in res.stderr


def test_a_run_command_job_prints_its_script_and_runs_it_with_local(tmp_path: Path) -> None:
    out = tmp_path / "out"
    server = SAMPLES / "server-root"
    generate_into(
        out,
        ["etc/cron.d/app"],
        cwd=server,
        root=server,
        config=str(server / "cronmigrate.yaml"),
        iac=frozenset({"sam"}),
    )
    res = run_cli("run", str(out), "cron-backup-db")
    assert res.returncode == 0
    assert "flock -n /tmp/backup.lock /opt/app/bin/backup.sh" in res.stdout
    assert "printed (--local runs it here)" in res.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [(["nope"], "no job 'nope'"), (["--time", "yesterday", "x"], "--time")],
)
def test_bad_run_arguments_are_one_line(out: Path, args: list[str], words: str) -> None:
    res = run_cli("run", str(out), *args)
    assert res.returncode == 2 and words in res.stderr and "Traceback" not in res.stderr


@pytest.fixture(scope="module")
def server_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server-root sample with its settings: the Python jobs (one installs idna from
    PyPI into its zip), the $HOME job and the path-tested one."""
    from tests.helpers import SAMPLES as samples

    out = tmp_path_factory.mktemp("server") / "out"
    server = samples / "server-root"
    generate_into(
        out,
        ["etc/cron.d/app"],
        cwd=server,
        root=server,
        config=str(server / "cronmigrate.yaml"),
        iac=frozenset({"sam"}),
    )
    return out


@pytest.mark.parametrize(
    ("line", "printed"),
    [
        ("/etc/cron.d/app:16", '{"day": "2026-03-01", "mean": 5}'),  # stdlib + its helper module
        ("/etc/cron.d/app:18", "xn--bcher-kva.example"),  # idna, from requirements:
        ("/etc/cron.d/app:20", "monthly close for"),  # $HOME/bin/monthly, bundled
        ("/etc/cron.d/app:22", "maintenance done"),  # [ -x … ] && …, the tool bundled
    ],
)
def test_the_server_roots_jobs_run_from_their_real_zips(
    server_out: Path, line: str, printed: str
) -> None:
    index = json.loads((server_out / "cronmigrate-jobs.json").read_text())
    job = next(j for j in index["jobs"] if j["source"] == line)
    res = run_cli("run", str(server_out), line, "--time", "2026-03-01T06:00:00Z")
    assert res.returncode == 0, res.stderr
    assert printed in res.stdout
    python = line in ("/etc/cron.d/app:16", "/etc/cron.d/app:18")
    assert job["runtime"] == ("python3.13" if python else "provided.al2023")
    assert (job["environment"].get("AWS_LAMBDA_EXEC_WRAPPER") is not None) == python


def test_a_job_that_does_nothing_on_its_server_is_not_generated(server_out: Path) -> None:
    index = json.loads((server_out / "cronmigrate-jobs.json").read_text())
    assert "/etc/cron.d/app:24" not in {j["source"] for j in index["jobs"]}  # backupninja
