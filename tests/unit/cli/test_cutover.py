"""`cronmigrate cutover`: the migrated lines commented out with their function's marker, every
other byte kept, mode and owner kept, a changed crontab refused, `--undo` exact, the marker
known to plan and lint, and the next runs under cron and EventBridge side by side."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.helpers import run_cli

TAB = (
    "# my jobs\r\n"  # a CRLF line: kept byte for byte
    "CRON_TZ=Europe/Berlin\n"
    'MAILTO=""\n'
    "0 3 * * * /bin/true\n"
    "#0 4 * * * /bin/disabled\n"
    "30 2 * * 0 /bin/echo sunday   \n"  # trailing blanks kept
)


def _setup(tmp_path: Path) -> Path:
    tab = tmp_path / "tab"
    tab.write_bytes(TAB.encode())
    tab.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(tab, 1234, 5678)
    res = run_cli("generate", "tab", "--user", "-o", "out", "--root", ".", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    return tab


def _functions(tmp_path: Path) -> list[str]:
    doc = json.loads((tmp_path / "out/cronmigrate-jobs.json").read_text())
    return [j["function"] for j in doc["jobs"]]


def test_cutover_marks_only_the_migrated_lines_and_undo_restores_them(tmp_path: Path) -> None:
    tab = _setup(tmp_path)
    first, second = _functions(tmp_path)
    res = run_cli(
        "cutover",
        "tab",
        "--out",
        "out",
        "--root",
        ".",
        "--no-check",  # the lines only: the account's part is in tests/integration/test_status.py
        "--now",
        "2026-03-28T12:00:00+00:00",
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert "--no-check: the account was not read" in res.stderr
    lines = tab.read_bytes().decode().split("\n")
    assert lines[0] == "# my jobs\r" and lines[4] == "#0 4 * * * /bin/disabled"
    assert lines[3] == f"#cronmigrate:{first}:0 3 * * * /bin/true"
    assert lines[5] == f"#cronmigrate:{second}:30 2 * * 0 /bin/echo sunday   "
    st = tab.stat()
    assert st.st_mode & 0o777 == 0o640
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (1234, 5678)
    # next runs: cron's own fields and the EventBridge form, side by side and equal
    assert (
        f"tab:4: now {first}; next run under cron 2026-03-29T03:00:00+02:00, under "
        "EventBridge 2026-03-29T03:00:00+02:00 (the same)"
    ) in res.stdout
    assert "DIFFERENT" not in res.stdout
    assert "2 jobs switched over" in res.stdout

    plan = json.loads(run_cli("plan", "tab", "--user", "--format", "json", cwd=tmp_path).stdout)
    migrated = [j for j in plan["jobs"] if j["status"] == "migrated"]
    assert [j["reasons"][0]["code"] for j in migrated] == ["CM211", "CM211"]
    assert plan["summary"]["migrated"] == 2
    lint = run_cli("lint", "--user", "--select", "ALL", "--show-info", "tab", cwd=tmp_path)
    assert lint.stdout.count("CM211") == 2 and lint.stdout.count("CM202") == 1

    undo = run_cli(
        "cutover", "tab", "--out", "out", "--root", ".", "--undo", "--no-check", cwd=tmp_path
    )
    assert undo.returncode == 0, undo.stderr
    assert tab.read_bytes() == TAB.encode()
    assert tab.stat().st_mode & 0o777 == 0o640


def test_a_crontab_changed_since_generate_is_refused(tmp_path: Path) -> None:
    tab = _setup(tmp_path)
    tab.write_bytes(TAB.encode() + b"15 1 * * * /bin/new\n")
    before = tab.read_bytes()
    res = run_cli("cutover", "tab", "--out", "out", "--root", ".", "--no-check", cwd=tmp_path)
    assert res.returncode == 1 and "changed since out was generated" in res.stderr
    assert tab.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tab"]  # no temporary left


def test_a_job_about_to_run_is_warned_about(tmp_path: Path) -> None:
    _setup(tmp_path)
    res = run_cli(
        "cutover",
        "tab",
        "--out",
        "out",
        "--root",
        ".",
        "--no-check",  # the lines only: the account's part is in tests/integration/test_status.py
        "--now",
        "2026-06-01T00:57:00+00:00",
        cwd=tmp_path,
    )
    assert res.returncode == 0
    assert "runs within 5 minutes" in res.stderr  # 03:00 Berlin is 01:00 UTC in June


def test_cutover_of_a_crontab_the_directory_does_not_know(tmp_path: Path) -> None:
    _setup(tmp_path)
    (tmp_path / "other").write_text("0 1 * * * /x\n")
    res = run_cli("cutover", "other", "--out", "out", "--root", ".", "--no-check", cwd=tmp_path)
    assert res.returncode == 1 and "was not generated from it" in res.stderr
