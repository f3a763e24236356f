"""The command line, end to end: golden reports for samples/, exit codes, bad input.

Golden files are regenerated with ``UPDATE_GOLDEN=1 pytest tests/test_cli.py`` and reviewed
as diffs.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.helpers import ROOT, run_cli

GOLDEN = ROOT / "tests" / "golden"
NOW = "2026-11-25T12:00:00Z"
SAMPLES = ["samples/etc/crontab", "samples/etc/cron.d", "samples/var/spool/cron/crontabs"]
HARD = ["--user", "samples/hard-cases/crontab", "--root", "samples/hard-cases"]
# As the README's quick start: the copy of the server and its settings.
SAMPLE_OPTIONS = ["--root", "samples", "-c", "samples/cronmigrate.yaml", "-z", "Europe/Berlin"]


cli = run_cli


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual)
    assert path.exists(), f"missing golden file {name}: run UPDATE_GOLDEN=1 pytest"
    assert actual == path.read_text()


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_plan_samples_golden(fmt: str) -> None:
    res = cli("plan", *SAMPLES, *SAMPLE_OPTIONS, "--now", NOW, "--format", fmt)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    golden(f"plan-samples.{ {'text': 'txt', 'json': 'json', 'markdown': 'md'}[fmt] }", res.stdout)


@pytest.mark.parametrize("target", ["scheduler", "rules"])
def test_plan_hard_cases_golden(target: str) -> None:
    res = cli("plan", *HARD, "--target", target, "--now", NOW)
    assert res.returncode == 1  # refused jobs
    golden(f"plan-hard-cases-{target}.txt", res.stdout)


def test_plan_server_root_golden() -> None:
    res = cli(
        "plan",
        "--root",
        "samples/server-root",
        "-c",
        "samples/server-root/cronmigrate.yaml",
        "samples/server-root/etc/cron.d",
        "--now",
        NOW,
    )
    assert res.returncode == 1, res.stderr  # one job does nothing on the server (CM520)
    golden("plan-server-root.txt", res.stdout)


def test_json_schema_shape() -> None:
    res = cli("plan", *SAMPLES, "--now", NOW, "--format", "json")
    data = json.loads(res.stdout)
    assert set(data) == {
        "schema_version",
        "cronmigrate",
        "target",
        "default_timezone",
        "files",
        "jobs",
        "diagnostics",
        "summary",
    }
    job = data["jobs"][0]
    for key in (
        "source",
        "user",
        "schedule",
        "command",
        "stdin",
        "environment",
        "timezone",
        "status",
        "reasons",
        "eventbridge",
        "verified",
        "next_runs",
    ):
        assert key in job
    assert job["source"].count(":") == 1
    statuses = {j["status"] for j in data["jobs"]}
    assert statuses <= {"ok", "warning", "refused", "disabled"}
    summary = data["summary"]
    assert (
        summary["jobs"]
        == len(data["jobs"])
        == sum(summary[k] for k in ("ok", "warning", "refused", "disabled"))
    )


def test_json_validates_against_the_documented_schema() -> None:
    import jsonschema

    schema = json.loads((ROOT / "docs" / "plan.schema.json").read_text())
    for args in (SAMPLES, HARD):
        res = cli("plan", *args, "--now", NOW, "--format", "json")
        jsonschema.validate(json.loads(res.stdout), schema)


def test_stdin_dash() -> None:
    res = cli("plan", "-", "--now", NOW, "--format", "json", stdin="*/10 * * * * echo x\n")
    assert res.returncode == 0
    (job,) = json.loads(res.stdout)["jobs"]
    assert job["source"] == "<stdin>:1"
    assert job["eventbridge"] == [{"expression": "cron(0/10 * * * ? *)", "timezone": "UTC"}]


def test_version_and_help() -> None:
    """Once through a real process: ``python -m cronmigrate``, the installed entry point."""
    assert run_cli("--version", process=True).stdout.startswith("cronmigrate ")
    res = cli("plan", "--help")
    assert res.returncode == 0
    assert "Examples" in res.stdout
    assert "Exit codes" in res.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["plan", "does/not/exist"], 2, "does/not/exist: no such file or directory"),
        (["plan", "samples/etc/crontab", "-z", "Mars/Olympus"], 2, "unknown time zone"),
        (["plan", "samples/etc/crontab", "--format", "xml"], 2, "Invalid value for '--format'"),
        (["plan", "samples/etc/crontab", "--now", "yesterday"], 2, "--now: 'yesterday'"),
        (["plan", "--bogus"], 2, "No such option"),
        (["nonsense"], 2, "No such command"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], code: int, message: str) -> None:
    res = cli(*args)
    assert res.returncode == code
    assert res.stderr.count("\n") == 1, res.stderr
    assert res.stderr.startswith("error: ")
    assert message in res.stderr
    assert "Traceback" not in res.stderr


def test_malformed_crontab_exit_1_with_file_line(tmp_path: Path) -> None:
    bad = tmp_path / "tab"
    bad.write_text("0 3 * * * /ok\n0/15 * * * * /bad\n@Daily /x\n0 3 * * *")
    res = cli("plan", "--user", str(bad), "--now", NOW)
    assert res.returncode == 1
    assert f"{bad}:2:1: CM117 error: bad minute '0/15'" in res.stdout
    assert f"{bad}:3:1: CM102 error: bad time specifier '@Daily'" in res.stdout
    assert f"{bad}:4:" in res.stdout
    assert "Traceback" not in res.stdout + res.stderr


def test_binary_garbage_is_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "tab"
    bad.write_bytes(bytes(range(256)) * 4)
    res = cli("plan", "--user", str(bad), "--now", NOW)
    assert res.returncode == 1
    assert "Traceback" not in res.stdout + res.stderr


def test_plan_writes_nothing(tmp_path: Path) -> None:
    tab = tmp_path / "tab"
    tab.write_text("0 3 * * * echo x\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert cli("plan", str(tab), "--now", NOW, cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_terminal_table() -> None:
    """On a terminal the plan is a rich table per file, without colour under NO_COLOR."""
    import datetime as dt

    from rich.console import Console

    from cronmigrate.cli.console import print_plan
    from cronmigrate.plan.build import PlanOptions, build_plan

    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    plan = build_plan([str(ROOT / "samples/hard-cases/crontab")], PlanOptions(now=now))
    console = Console(record=True, width=220, no_color=True, force_terminal=True)
    print_plan(plan, console)
    text = console.export_text()
    assert "samples/hard-cases/crontab" in text
    for header in ("Line", "Schedule", "EventBridge", "Next runs", "Status"):
        assert header in text
    assert "cron(0 5 ? * SUN#1 *)" in text
    assert "refused" in text
    assert "CM203" in text
    assert text.rstrip().endswith("EventBridge schedules")


def test_plan_over_several_hosts_reports_shared_jobs(tmp_path: Path) -> None:
    shared = "17 * * * * root cd / && run-parts --report /etc/cron.hourly\n"
    for host, own in (("web1", "0 3 * * * root /usr/bin/true one\n"), ("web2", "")):
        (tmp_path / host / "etc").mkdir(parents=True)
        (tmp_path / host / "etc/crontab").write_text(shared + own)
    res = run_cli(
        "plan", "--host", f"web1={tmp_path / 'web1'}", "--host", f"web2={tmp_path / 'web2'}",
        "--format", "json", "--now", "2026-11-25T12:00:00Z",
    )  # fmt: skip
    assert res.returncode in (0, 1), res.stderr
    plan = json.loads(res.stdout)
    assert plan["summary"]["jobs"] == 3
    shared_codes = {
        j["source"]: [r["code"] for r in j["reasons"] if r["code"] == "CM603"] for j in plan["jobs"]
    }
    assert shared_codes == {
        f"{tmp_path}/web1/etc/crontab:1": ["CM603"],
        f"{tmp_path}/web1/etc/crontab:2": [],
        f"{tmp_path}/web2/etc/crontab:1": ["CM603"],
    }
    assert "runs 2 times" in json.dumps(plan)
    bad = run_cli("plan", "--host", "web1")
    assert bad.returncode == 2 and "NAME=DIR" in bad.stderr


def test_plan_warns_past_an_account_quota(tmp_path: Path) -> None:
    """1,000 functions with a role each, and a scheduler role per nested stack, would pass
    800 of IAM's default 1,000 roles: plan says the functions share a role per nested stack
    (roles: auto); with roles: per-job it warns of the quota instead."""
    tab = tmp_path / "crontab"
    tab.write_text("".join(f"{i % 60} {i % 24} * * * /usr/bin/true {i}\n" for i in range(1000)))

    def cm604(*args: str) -> list[str]:
        res = run_cli("plan", str(tab), "--format", "json", "--now", "2026-11-25T12:00:00Z", *args)
        return [d["message"] for d in json.loads(res.stdout)["diagnostics"] if d["code"] == "CM604"]

    (shared,) = cm604()
    assert shared.startswith("1,000 jobs: the functions of each of the ")
    assert "share one execution role" in shared and "would pass 800" in shared
    cfg = tmp_path / "c.yaml"
    cfg.write_text("roles: per-job\n")
    (quota,) = cm604("-c", str(cfg))
    assert re.match(
        r"1,0\d\d IAM roles for 1,000 jobs: more than an account's default quota", quota
    )
    tab.write_text("".join(f"{i % 60} 3 * * * /usr/bin/true {i}\n" for i in range(700)))
    assert cm604() == []  # 700 functions and their stacks' schedulers: within 800


def test_host_options_refuse_bad_values(tmp_path: Path) -> None:
    """Bad --host input: one line, exit 2, nothing written."""
    out = tmp_path / "out"
    res = run_cli("generate", "samples/etc/crontab", "-o", str(out), "--host", "Web 1")
    assert res.returncode == 2 and "--host 'Web 1'" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and not out.exists()
    both = run_cli("plan", "samples/etc/crontab", "--host", f"web1={tmp_path}")
    assert both.returncode == 2 and "not both" in both.stderr
    missing = run_cli("plan", "--host", f"web1={tmp_path}")
    assert missing.returncode == 2 and "none of etc/crontab" in missing.stderr
    nothing = run_cli("plan")
    assert nothing.returncode == 2


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_plan_never_prints_a_secret_value(tmp_path: Path, fmt: str) -> None:
    tab = tmp_path / "tab"
    tab.write_text(
        "DB_PASSWORD=hunter2-value\nDEPLOY_KEY_ID=AKIAABCDEFGHIJKLMNOP\nPLAIN=visible\n"
        "0 1 * * * echo $DB_PASSWORD\n"
    )
    res = run_cli("plan", str(tab), "--format", fmt)
    assert res.returncode == 0, res.stderr
    for secret in ("hunter2-value", "AKIAABCDEFGHIJKLMNOP"):
        assert secret not in res.stdout + res.stderr
    if fmt == "json":
        (job,) = json.loads(res.stdout)["jobs"]
        assert job["environment"]["PLAIN"] == "visible"
        parameter = f"/cronmigrate/{job['function']}/DB_PASSWORD"  # where generate reads it
        assert job["environment"]["DB_PASSWORD"] == f"<secret: {parameter}>"


def test_garbage_input_gives_bounded_valid_utf8_output(tmp_path: Path) -> None:
    tab = tmp_path / "tab"
    tab.write_bytes(b"0 1 * * * echo \xff ok\n" + b"\xff\xfe" + b"x" * 2_000_000 + b" 1 * * * /x\n")
    for args in (
        ["plan", str(tab), "--user"],
        ["plan", str(tab), "--user", "--format", "json"],
        ["plan", str(tab), "--user", "--format", "markdown"],
        ["lint", str(tab), "--user", "--format", "json"],
        ["lint", str(tab), "--user", "--format", "sarif"],
        ["lint", str(tab), "--user"],
    ):
        res = cli(*args)
        text = res.stdout + res.stderr
        out = text.encode("utf-8")  # strictly valid: no byte that is not UTF-8 went out
        assert len(out) < 100_000, (args, len(out))  # not the 2 MB line (SARIF: 36 kB of rules)
        assert "\\xff\\xfe" in text.replace("\\\\", "\\") and "\\udc" not in text
        if "json" in args or "sarif" in args:
            doc = json.loads(res.stdout)
            assert "\udcff" not in json.dumps(doc, ensure_ascii=False)


def test_summary_counts_lines_and_says_one_job(tmp_path: Path) -> None:
    tab = tmp_path / "tab"
    tab.write_text("0 1 * * * echo x\n99 99 * * * echo y\n")  # one line, two bad fields
    res = run_cli("plan", str(tab), "--user")
    assert res.stdout.splitlines()[-2].startswith("1 job: 1 ok, 0 warnings")
    assert "1 malformed line; 1 EventBridge schedule" in res.stdout


def test_markdown_cells_escape_pipes_and_sarif_uris_are_encoded(tmp_path: Path) -> None:
    d = tmp_path / "my dir"
    d.mkdir()
    (d / "tab").write_text("CRON_TZ=a|b\n0 1 * * * /x\n")
    md = run_cli("plan", str(d / "tab"), "--user", "--format", "markdown").stdout
    (row,) = [r for r in md.splitlines() if r.startswith("| `")]
    assert row.count(" | ") == 7 and "a\\|b" in row
    sarif = json.loads(run_cli("lint", str(d / "tab"), "--user", "--format", "sarif").stdout)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
        for loc in r["locations"]
    }
    assert all("my%20dir/tab" in u and " " not in u for u in uris)


def test_help_short_option_and_generate_says_a_file_is_ignored(tmp_path: Path) -> None:
    for command in ("plan", "generate", "lint"):
        assert run_cli(command, "-h").returncode == 0
    (tmp_path / "tab").write_text("0 1 * * * /x\n61 1 * * * /y\n")
    res = run_cli("generate", "tab", "--user", "-o", "out", cwd=tmp_path)
    assert "CM108 warning: Debian's cron ignores this whole file" in res.stderr


def test_a_disabled_job_shows_its_files_zone(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("CRON_TZ=Asia/Tokyo\n#0 1 * * * /x\n")
    (job,) = json.loads(run_cli("plan", "tab", "--user", "--format", "json", cwd=tmp_path).stdout)[
        "jobs"
    ]
    assert (job["status"], job["timezone"]) == ("disabled", "Asia/Tokyo")


def test_cost_estimate_matches_a_hand_computation(tmp_path: Path) -> None:
    """A daily job and an every-5-minutes one, 128 MB x86_64, 10 s, with the guard and the
    Errors alarm, us-east-1 prices: computed here by hand from the price list."""
    (tmp_path / "tab").write_text("0 3 * * * echo x\n*/5 * * * * echo y\n")
    res = run_cli("plan", "tab", "--user", "--format", "json", cwd=tmp_path)
    doc = json.loads(res.stdout)
    assert doc["schema_version"] == 3
    daily, five = (j["cost"] for j in doc["jobs"])
    days_per_month = 146097 / 4800  # days in 400 Gregorian years / months in them
    assert daily["runs_per_month"] == pytest.approx(days_per_month, abs=1e-4)
    assert five["runs_per_month"] == pytest.approx(days_per_month * 288, abs=1e-3)
    for job in (daily, five):
        runs = job["runs_per_month"]
        by_hand = (
            runs * 1.00e-6  # Scheduler
            + runs * 0.20e-6  # Lambda requests
            + runs * 10 * 128 / 1024 * 0.0000166667  # GB-seconds, x86_64
            + 0.10  # the Errors alarm
            + runs * 0.625e-6  # the guard's DynamoDB write
        )
        assert job["usd_per_month"] == pytest.approx(by_hand, rel=1e-5)
    assert doc["summary"]["cost_usd_per_month"] == pytest.approx(
        daily["usd_per_month"] + five["usd_per_month"], rel=1e-6
    )
    text = run_cli("plan", "tab", "--user", cwd=tmp_path).stdout
    assert "Estimated cost: $" in text and "an estimate" in text


def test_cost_follows_the_settings(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("0 3 * * * echo x\n")
    (tmp_path / "cronmigrate.yaml").write_text(
        "error_alarms: false\nprices: {lambda_per_request: 1.0}\n"
        "defaults:\n  memory: 1024\n  architecture: arm64\n  expected_duration: 60\n  lock: none\n"
    )
    (job,) = json.loads(run_cli("plan", "tab", "--user", "--format", "json", cwd=tmp_path).stdout)[
        "jobs"
    ]
    runs = job["cost"]["runs_per_month"]
    assert job["cost"]["items"] == pytest.approx(
        {
            "schedule": runs * 1.00e-6,
            "lambda_requests": runs * 1.0,
            "lambda_compute": runs * 60 * 1.0 * 0.0000133334,
        },
        rel=1e-5,
    )


def test_a_run_command_job_is_costed_in_state_transitions() -> None:
    server = ROOT / "samples/server-root"
    res = run_cli("plan", "etc/cron.d/app", "--root", ".", "--format", "json", cwd=server)
    jobs = {j["source"]: j["cost"] for j in json.loads(res.stdout)["jobs"]}
    backup = jobs["etc/cron.d/app:12"]  # target: runcommand in the sample's cronmigrate.yaml
    assert set(backup["items"]) == {"schedule", "stepfunctions", "duplicate_guard"}
    runs = backup["runs_per_month"]  # daily: 146097 days / 4800 months
    assert backup["items"]["stepfunctions"] == pytest.approx(runs * 12 * 0.000025, rel=1e-6)
    assert "lambda_compute" in jobs["etc/cron.d/app:8"]["items"]
