"""cronmigrate lint: every rule fails on one example and passes on another; suppression,
settings, formats, --fix, exit codes, speed-sensitive imports, and the pre-commit hook."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cronmigrate.crontab.model import CrontabKind
from cronmigrate.diagnostics import Severity
from cronmigrate.diagnostics.rules import BY_CODE, RULES, markdown
from cronmigrate.lint.engine import LintOptions, lint
from tests.helpers import ROOT, run_cli

M = "MAILTO=ops@example.com\n"
U, S = CrontabKind.USER, CrontabKind.SYSTEM

# code: (bad text, good text, format); the good text differs only in the mistake.
CASES: dict[str, tuple[str, str, CrontabKind]] = {
    "CM101": (M + "60 * * * * /x\n", M + "59 * * * * /x\n", U),
    "CM102": (M + "@Daily /x\n", M + "@daily /x\n", U),
    "CM103": (M + "0 3 * * *\n", M + "0 3 * * * /x\n", U),
    "CM104": (M + "0 3 * * * /opt/x.sh --flag\n", M + "0 3 * * * root /opt/x.sh --flag\n", S),
    "CM105": (M + "0 3 * * * * /x\n", M + "0 3 * * * /x\n", U),
    "CM106": (M + "CRON_TZ=Mars/Olympus\n0 3 * * * /x\n", M + "CRON_TZ=UTC\n0 3 * * * /x\n", U),
    "CM107": (M + "0 3 * * * /x", M + "0 3 * * * /x\n", U),
    "CM108": (M + "0 3 * * * /x\nbad line\n", M + "0 3 * * * /x\n", U),
    "CM110": (M + "15 10 * * 1#2 /x\n", M + "15 10 * * 1 /x\n", U),
    "CM111": (M + "0 17-9,12 * * * /x\n", M + "0 12 * * * /x\n", U),
    "CM112": (M + "0 0 30 2 * /x\n", M + "0 0 28 2 * /x\n", U),
    "CM122": (M + "*/61 * * * * /x\n", M + "0 * * * * /x\n", U),
    "CM113": (M + "0 3 * * * /x\r\n", M + "0 3 * * * /x\n", U),
    "CM118": (M + "0 3 * * * /x\n\r\n", M + "0 3 * * * /x\n\n", U),
    "CM116": (M + "FOO=\n0 3 * * * /x\n", M + 'FOO=""\n0 3 * * * /x\n', U),
    # Debian's MAX_COMMAND: 999 bytes is refused, 998 is not
    "CM119": (
        M + "0 3 * * * echo " + "y" * 994 + "\n",
        M + "0 3 * * * echo " + "y" * 993 + "\n",
        U,
    ),
    "CM120": (M + "0 3 * * * /x\x00 rm -rf /tmp/x\n", M + "0 3 * * * /x\n", U),
    "CM121": (
        M + "A=" + "v" * 999 + "\n0 3 * * * /x\n",
        M + "A=" + "v" * 998 + "\n0 3 * * * /x\n",
        U,
    ),
    "CM117": (M + "0/15 * * * * /x\n", M + "*/15 * * * * /x\n", U),
    "CM201": (M + "@reboot /x\n", M + "@daily /x\n", U),
    "CM202": (M + "#0 3 * * * /x\n", M + "0 3 * * * /x\n", U),
    "CM203": (M + "0 0 */2 * 1 /x\n", M + "0 0 * * 1 /x\n", U),
    "CM204": (M + "0 2 1-7 * 0 /x\n", M + "0 2 1-7 * * /x\n", U),
    "CM209": (M + "0 2 1-7 * 0 /x\n", M + "0 2 1-7 * * /x\n", U),
    "CM205": (
        M + "CRON_TZ=Europe/Berlin\n15,45 2 * * * /x\n",
        M + "CRON_TZ=Europe/Berlin\n30 4 * * * /x\n",
        U,
    ),
    "CM212": (
        M + "CRON_TZ=Europe/Berlin\n17 * * * * /x\n",
        M + "CRON_TZ=Europe/Berlin\n17 3 * * * /x\n",
        U,
    ),
    "CM213": (
        M + "CRON_TZ=Europe/Berlin\n30 2 * * * /x\n",
        M + "CRON_TZ=Europe/Berlin\n30 4 * * * /x\n",
        U,
    ),
    "CM501": (M + "0 3 * * * php /x.php\n", M + "0 3 * * * curl -fsS https://x.test/\n", U),
    "CM502": (M + "0 3 * * * date > /srv/out\n", M + "0 3 * * * date > /tmp/out\n", U),
    "CM503": (M + "0 3 * * * curl http://localhost/\n", M + "0 3 * * * curl http://x.test/\n", U),
    "CM504": (M + "0 3 * * * sleep 1000\n", M + "0 3 * * * sleep 10\n", U),
    "CM505": (M + "0 3 * * * sudo -u a /x\n", M + "0 3 * * * /x\n", U),
    "CM506": (M + "0 3 * * * /x >> /var/log/x.log\n", M + "0 3 * * * /x\n", U),
    "CM507": (M + "0 3 * * * echo $(( 1 +  ; fi\n", M + "0 3 * * * /x\n", U),
    "CM510": ("MAILTO=root\n0 3 * * * /x\n", M + "0 3 * * * /x\n", U),
    "CM511": (M + "API_TOKEN=x\n0 3 * * * /x\n", M + "API_HOST=x\n0 3 * * * /x\n", U),
    "CM401": (M + "0 0 31 * * /x\n", M + "0 0 1 * * /x\n", U),
    "CM402": (M + "0 0 * * * date +%Y > /tmp/y\n", M + "0 0 * * * date +\\%Y > /tmp/y\n", U),
    "CM403": (
        M + "PATH=$PATH:/opt/bin\n0 3 * * * /x\n",
        M + "PATH=/usr/bin:/bin:/opt/bin\n0 3 * * * /x\n",
        U,
    ),
    "CM404": (M + "* 3 * * * /x\n", M + "0 3 * * * /x\n", U),
    "CM405": (M + "0 3 * * * root /opt/x.sh\n", M + "0 3 * * * /opt/x.sh\n", U),
    "CM406": (M + "DB_PASSWORD=hunter2\n0 3 * * * /x\n", M + "DB_HOST=db\n0 3 * * * /x\n", U),
    "CM407": ("0 3 * * * /x\n", M + "0 3 * * * /x\n", U),
    "CM408": (M + "0 3 * * * /x\n0 3 * * * /x\n", M + "0 3 * * * /x\n0 3 * * * /y\n", U),
    "CM409": (M + "0 3 * * * ./backup.sh\n", M + "0 3 * * * cd /srv && ./backup.sh\n", U),
    "CM410": (M + "CRON_TZ=UTC\n0 3 * * * /x\n", M + "0 3 * * * /x\n", U),
}
# Rules whose examples live elsewhere: files cron skips or cannot read, the classic-rules
# target, a translation bug, and `generate`.
TESTED_ELSEWHERE = {
    "CM109": "test_crontab.py::test_unreadable_file_is_a_diagnostic",
    "CM114": "test_lint.py::test_skipped_file_in_a_cron_directory",
    "CM115": "test_lint.py::test_a_guessed_format_is_said",
    "CM206": "test_translate.py::test_rules_target_refuses_dst_zone_without_allow_drift",
    "CM207": "test_translate.py::test_an_unproven_translation_is_refused",
    "CM208": "test_translate.py::test_allow_drift_states_the_drift",
    "CM508": "test_walker.py::test_compiled_program_sets_the_architecture",
    "CM513": "test_walker.py::test_compiled_program_sets_the_architecture",
    "CM514": "test_walker.py::test_run_parts_directory_is_bundled_with_a_run_parts",
    "CM302": "test_walker.py::test_missing_run_parts_directory_is_a_refusal",
    "CM516": "test_walker.py::test_bashisms_in_a_posix_sh_script_are_reported",
    "CM211": "test_cutover.py::test_cutover_marks_only_the_migrated_lines_and_undo_restores_them",
    "CM515": "test_walker.py::test_command_findings",
    "CM509": "test_analysis.py::test_shared_libraries_beyond_glibc_are_reported",
    "CM512": "test_analysis.py::test_files_the_job_reads_are_bundled_or_reported",
    "CM601": "test_runcommand.py::test_plan_recommends_runcommand",
    "CM602": "test_runcommand.py::test_runcommand_without_instances_is_not_generated",
    "CM603": "test_cli.py::test_plan_over_several_hosts_reports_shared_jobs",
    "CM604": "test_cli.py::test_plan_warns_past_an_account_quota",
    "CM606": "test_peaks.py::test_plan_warns_where_runs_pass_the_concurrency",
    "CM605": "test_security.py::test_a_tag_target_other_than_the_reserved_key_is_reported",
    "CM301": "test_generate.py::test_missing_script_is_reported_and_others_generated",
    "CM517": "test_runs.py::test_a_missing_program_is_an_error_unless_a_layer_provides_it",
    "CM518": "test_runs.py::test_python_2_is_refused_with_its_own_reason",
    "CM519": "test_runs.py::test_a_third_party_import_needs_requirements",
    "CM520": "test_runs.py::test_path_tests_are_evaluated_against_the_copy",
    "CM521": "test_runs.py::test_an_unknown_home_is_said_once_and_its_programs_are_missing",
}


def codes(text: str, kind: CrontabKind | None, tmp_path: Path, code: str) -> list[str]:
    path = tmp_path / "tab"
    path.write_bytes(text.encode())
    opts = LintOptions(select=(code,), show_info=True, forced_kind=kind)
    return [f.code for f in lint([str(path)], opts).findings]


def test_every_rule_has_examples() -> None:
    assert set(CASES) | set(TESTED_ELSEWHERE) == set(BY_CODE)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_on_the_bad_example_and_passes_on_the_good(code: str, tmp_path: Path) -> None:
    bad, good, kind = CASES[code]
    assert code in codes(bad, kind, tmp_path, code)
    assert codes(good, kind, tmp_path, code) == []


@pytest.mark.parametrize(
    ("field", "lone"),
    [("*/61 * * * *", True), ("1-2/61 * * * *", True), ("0-10/20 * * * *", True),
     ("0 0 * * */7", False), ("*/60 * * * *", True), ("*/59 * * * *", False),
     ("0-10/10 * * * *", False), ("5-5/2 * * * *", False), ("*/15 * * * *", False),
     ("0 0 1-31/31 * *", True), ("0 0 * 1-12/11 *", False)],
)  # fmt: skip
def test_a_step_past_its_range(field: str, lone: bool, tmp_path: Path) -> None:
    """Debian's get_range adds values from the first while they are within the range."""
    assert (codes(f"{M}{field} /x\n", U, tmp_path, "CM122") == ["CM122"]) is lone


def test_a_pasted_quartz_line_is_a_job_cron_runs(tmp_path: Path) -> None:
    """`0 0 1 * * 0 2020 cmd` is a job for Debian (entry.c rejects only a command starting
    with '*'), whose command is `0 2020 cmd`: CM105 on that job, the file is not ignored."""
    (tmp_path / "tab").write_text(M + "0 0 1 * * 0 2020 /x\n0 3 * * * echo fine\n")
    found = lint([str(tmp_path / "tab")], LintOptions(forced_kind=U)).findings
    assert [(f.code, f.location.line) for f in found] == [("CM105", 2)]
    res = run_cli("plan", "tab", "--user", "--format", "json", cwd=tmp_path)
    doc = json.loads(res.stdout)
    assert doc["summary"]["malformed"] == 0 and doc["summary"]["refused"] == 1
    quartz = doc["jobs"][0]
    assert quartz["command"] == "0 2020 /x" and quartz["status"] == "refused"
    assert quartz["reasons"][0]["code"] == "CM105"
    assert not [d for d in doc["diagnostics"] if d["code"] in ("CM105", "CM108")]
    # a user crontab's command starting with '*' is what Debian rejects: the file is ignored
    (tmp_path / "star").write_text(M + "0 0 1 * * * /x\n0 3 * * * echo fine\n")
    star = lint([str(tmp_path / "star")], LintOptions(forced_kind=U)).findings
    assert {f.code for f in star} == {"CM105", "CM108"}


def test_skipped_file_in_a_cron_directory(tmp_path: Path) -> None:
    d = tmp_path / "cron.d"
    d.mkdir()
    (d / "job.cron").write_text(M + "0 3 * * * root /x\n")
    (d / "job").write_text(M + "0 3 * * * root /x\n")
    found = lint([str(d)], LintOptions(show_info=True)).findings
    assert [(f.code, Path(f.location.path).name) for f in found] == [("CM114", "job.cron")]


def test_a_guessed_format_is_said(tmp_path: Path) -> None:
    (tmp_path / "mycron").write_text(M + "0 3 * * * root /x\n")
    found = lint([str(tmp_path / "mycron")], LintOptions(show_info=True)).findings
    assert [(f.code, f.severity) for f in found] == [("CM115", Severity.INFO)]
    assert "read as a system crontab" in found[0].message
    spool = tmp_path / "crontabs"
    spool.mkdir()
    (spool / "alice").write_text(M + "0 3 * * * /x\n")
    assert lint([str(spool / "alice")], LintOptions(show_info=True)).findings == ()


def test_rules_catalog_and_docs_agree() -> None:
    assert (ROOT / "docs/rules.md").read_text() == markdown(), (
        "docs/rules.md is stale: python -m cronmigrate.diagnostics.rules > docs/rules.md"
    )
    assert len({r.name for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.code.startswith("CM") and len(r.doc) > 20


# ------------------------------------------------------------------ suppression and settings

BAD = M + "* 3 * * * /x\n0 0 31 * * /y\n"


def test_disable_comment_on_the_line_before(tmp_path: Path) -> None:
    text = M + "# cronmigrate: disable=CM404\n* 3 * * * /x\n* 4 * * * /y\n"
    (tmp_path / "tab").write_text(text)
    found = lint([str(tmp_path / "tab")], LintOptions(forced_kind=U)).findings
    assert [(f.code, f.location.line) for f in found] == [("CM404", 4)]


def test_disable_file_comment(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("# cronmigrate: disable-file=CM404, CM401\n" + BAD)
    assert lint([str(tmp_path / "tab")], LintOptions(forced_kind=U)).findings == ()


def test_select_and_ignore_prefixes(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(BAD)
    path = [str(tmp_path / "tab")]
    assert {f.code for f in lint(path, LintOptions(forced_kind=U)).findings} == {"CM404", "CM401"}
    assert {
        f.code
        for f in lint(
            path, LintOptions(select=("CM40",), ignore=("CM401",), forced_kind=U)
        ).findings
    } == {"CM404"}


def cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("lint", *args, cwd=cwd, stdin=stdin, no_color=False)


def test_settings_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text('[tool.cronmigrate.lint]\nignore = ["CM404"]\n')
    res = cli("--user", "tab", cwd=tmp_path)
    assert "CM401" in res.stdout and "CM404" not in res.stdout


def test_settings_from_cronmigrate_yaml(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(BAD)
    (tmp_path / "cronmigrate.yaml").write_text("lint:\n  select: [CM404]\n  fail-on: error\n")
    res = cli("--user", "tab", cwd=tmp_path)
    assert res.returncode == 0  # a warning, below fail-on: error
    assert "CM404" in res.stdout and "CM401" not in res.stdout


def test_bad_settings_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(BAD)
    (tmp_path / "cronmigrate.yaml").write_text("lint:\n  selcet: [CM404]\n")
    res = cli("--user", "tab", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr == (
        f"error: {tmp_path / 'cronmigrate.yaml'}:2:3: unknown lint setting "
        "'selcet' (known: extend-select, fail-on, format, ignore, select, show-info, timezone)\n"
    )


# ------------------------------------------------------------------ the command line


def test_quiet_and_zero_when_clean(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(M + "0 3 * * * /opt/x.sh\n")
    res = cli("--user", "tab", cwd=tmp_path)
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")


def test_text_format_and_summary(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(BAD)
    res = cli("--user", "tab", cwd=tmp_path)
    assert res.returncode == 1
    assert res.stdout.splitlines() == [
        "tab:2:1: CM404 '* 3 …' runs every minute of hour 3 (60 runs a day); '0 3 …' runs once",
        "tab:3:1: CM401 day 31 does not exist in February, April, June, September, November: "
        "the job skips those months",
        "Found 2 problems (2 warnings) in 1 file.",
    ]
    assert "\x1b[" not in res.stdout  # no colour in a pipe


def test_fail_on_error(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(BAD)
    assert cli("--user", "--fail-on", "error", "tab", cwd=tmp_path).returncode == 0
    (tmp_path / "tab").write_text(M + "@reboot /x\n")
    assert cli("--user", "--fail-on", "error", "tab", cwd=tmp_path).returncode == 1


def test_json_format(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(BAD)
    data = json.loads(cli("--user", "--format", "json", "tab", cwd=tmp_path).stdout)
    assert data[0] == {
        "code": "CM404",
        "rule": "every-minute",
        "severity": "warning",
        "message": data[0]["message"],
        "path": "tab",
        "line": 2,
        "column": 1,
    }


def test_sarif_format(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(BAD)
    doc = json.loads(cli("--user", "--format", "sarif", "tab", cwd=tmp_path).stdout)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in RULES]
    (res,) = [r for r in run["results"] if r["ruleId"] == "CM401"]
    assert res["level"] == "warning"
    assert rules[res["ruleIndex"]]["id"] == "CM401"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 1}
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tab"


def test_github_format(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text(M + "0 0 * * * date +%Y:%m > /tmp/y\n")
    out = cli("--user", "--format", "github", "--select", "CM402", "tab", cwd=tmp_path).stdout
    assert out.startswith("::warning file=tab,line=2,col=1,title=CM402 unescaped-percent::")
    assert out.count("\n") == 1


def test_fix_crlf_and_final_newline(tmp_path: Path) -> None:
    tab = tmp_path / "tab"
    tab.write_bytes(b"MAILTO=ops@example.com\r\n0 3 * * * /x\r\n15 4 * * 1-5 /y")
    tab.chmod(0o640)
    res = cli("--user", "--fix", "tab", cwd=tmp_path)
    assert res.returncode == 0, res.stdout
    assert tab.read_bytes() == b"MAILTO=ops@example.com\n0 3 * * * /x\n15 4 * * 1-5 /y\n"
    assert tab.stat().st_mode & 0o777 == 0o640
    assert "Fixed 2 problems." in res.stderr
    again = cli("--user", "--fix", "tab", cwd=tmp_path)
    assert (again.returncode, again.stderr) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tab"]


def test_list_rules_and_explain(tmp_path: Path) -> None:
    listing = cli("--list-rules", cwd=tmp_path).stdout.splitlines()
    assert len(listing) == len(RULES)
    assert listing[0].startswith("CM101  syntax-error")
    text = cli("--explain", "cm404", cwd=tmp_path).stdout
    assert text.startswith("CM404 every-minute (warning)")
    bad = cli("--explain", "CM999", cwd=tmp_path)
    assert bad.returncode == 2 and "no rule 'CM999'" in bad.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["missing-file"], "missing-file: no such file or directory"),
        (["--format", "xml", "tab"], "invalid choice: 'xml'"),
        ([], "no files to lint"),
        (["--timezone", "Mars/Olympus", "tab"], "unknown time zone"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], words: str) -> None:
    (tmp_path / "tab").write_text(M + "0 3 * * * /x\n")
    res = cli(*args, cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert res.stderr.count("\n") == 1 and words in res.stderr
    assert "Traceback" not in res.stderr


def test_stdin(tmp_path: Path) -> None:
    res = cli("--user", "-", cwd=tmp_path, stdin=M + "* 3 * * * /x\n")
    assert res.stdout.startswith("<stdin>:2:1: CM404 ")


def test_lint_and_plan_agree(tmp_path: Path) -> None:
    """Every finding plan reports for a job, lint with every group reports at the same line;
    its default (mistakes) reports exactly those of them that are mistakes."""
    from cronmigrate.plan.build import PlanOptions, build_plan

    hard = str(ROOT / "samples/hard-cases/crontab")
    plan = build_plan([hard], PlanOptions(forced_kind=U))
    planned = {
        (r.code, j.job.location.line)
        for j in plan.jobs
        for r in j.translation.reasons
        if r.severity > Severity.INFO
    }
    every = LintOptions(forced_kind=U, select=("mistakes", "migration"))
    linted = {(f.code, f.location.line) for f in lint([hard], every).findings}
    assert planned and planned <= linted
    default = {(f.code, f.location.line) for f in lint([hard], LintOptions(forced_kind=U)).findings}
    assert {p for p in planned if BY_CODE[p[0]].group == "mistakes"} <= default
    assert all(BY_CODE[c].group == "mistakes" for c, _ in default)


def test_lint_imports_no_heavy_modules() -> None:
    """lint runs in every commit: typer, rich, jinja2, ruamel.yaml and boto3 stay unloaded."""
    code = (
        "import sys; from cronmigrate.cli.lint import main; "
        "main(['--user', 'samples/hard-cases/crontab']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'typer', 'rich', 'jinja2', 'ruamel', 'crontab', 'asyncio', 'boto3', 'botocore'}))"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert res.stdout.strip().splitlines()[-1] == "[]"


@given(st.binary(max_size=300))
def test_random_bytes_give_findings_not_crashes(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    for kind in (U, S):
        result = lint(["-"], LintOptions(forced_kind=kind, show_info=True), stdin_text=text)
        for f in result.findings:
            assert f.location.line >= 1 and f.code in BY_CODE


NEAR = st.text(alphabet=" \t*/-,#%@=\"'0123456789LW?abcdefjmnorstuyA\r\n", max_size=150)


@given(NEAR)
def test_near_crontab_text_gives_findings_not_crashes(text: str) -> None:
    result = lint(["-"], LintOptions(forced_kind=U, show_info=True), stdin_text=text)
    assert all(f.code in BY_CODE for f in result.findings)


# ------------------------------------------------------------------ pre-commit


@pytest.mark.parametrize(
    ("path", "matched"),
    [("crontab", True), ("etc/crontab", True), ("etc/cron.d/app", True),
     ("spool/crontabs/alice", True), ("ops/backup.cron", True), ("deploy/web.crontab", True),
     ("app.crontab", True), ("notes.txt", False), ("crontab.md", False),
     ("docs/crontab.crontab.md", False), ("etc/cron.d/sub/x", False)],
)  # fmt: skip
def test_the_hook_matches_the_usual_names(path: str, matched: bool) -> None:
    """pre-commit searches each path with the hook's ``files:`` (a Python regex)."""
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    (pattern,) = re.findall(r"^  files: (.+)$", hooks, re.M)
    assert bool(re.search(pattern, path)) is matched


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """The real pre-commit package runs the hook from this repository."""
    pre_commit = Path(sys.executable).parent / "pre-commit"
    repo = tmp_path / "ops"
    repo.mkdir()
    env = dict(
        os.environ,
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q")
    (repo / "crontab").write_text(M + "* 3 * * * /x\n")
    (repo / "notes.txt").write_text("* 3 * * * not a crontab\n")
    (repo / "web.crontab").write_text(M + "0 4 * * * /z\n0 0 1 * * 0 2020 /y\n")
    git("add", ".")

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(pre_commit), "try-repo", str(ROOT), "cronmigrate-lint", "--all-files"],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    res = try_repo()
    assert res.returncode == 1, res.stdout + res.stderr
    assert "crontab:2:1: CM404" in res.stdout
    assert "web.crontab:3:11: CM105" in res.stdout
    assert "notes.txt" not in res.stdout
    (repo / "crontab").write_text(M + "0 3 * * * /x\n")
    (repo / "web.crontab").write_text(M + "0 4 * * * /z\n")
    git("add", ".")
    res = try_repo()
    assert res.returncode == 0, res.stdout + res.stderr


def test_an_internal_error_in_lint_is_one_line_and_exit_3(tmp_path: Path) -> None:
    """lint's entry shares the CLI's boundary: a bug is exit 3 and one line, no traceback."""
    tab = tmp_path / "crontab"
    tab.write_text(M + "0 3 * * * /x\n")
    code = (
        "import sys; import cronmigrate.lint.engine as e\n"
        "def boom(*a, **k): raise RuntimeError('boom')\n"
        "e.lint = boom\n"
        "import cronmigrate.cli.lint as c\n"
        f"sys.exit(c.main([{str(tab)!r}]))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert res.returncode == 3
    assert res.stderr.strip().splitlines() == [
        "error: internal error: RuntimeError: boom (rerun with --debug)"
    ]
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize(
    "args", [["--select", "CM4O4"], ["--ignore", "CM1,XX"], ["--select", "cm9"]]
)
def test_an_unknown_rule_code_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "tab").write_text(BAD)
    res = cli("--user", *args, "tab", cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "is not a rule code or a prefix of one" in res.stderr


def test_fix_touches_only_the_files_it_lints(tmp_path: Path) -> None:
    d = tmp_path / "cron.d"
    d.mkdir()
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    (d / "logo.png").write_bytes(png)  # not a cron.d name: skipped, so not fixed
    (d / "app.dpkg-old").write_bytes(b"0 1 * * * root /x\r\n")
    (d / "app").write_bytes(b"0 1 * * * root /x\r\n")
    res = cli("--system", "--fix", "cron.d", cwd=tmp_path)
    assert "Traceback" not in res.stderr
    assert (d / "logo.png").read_bytes() == png
    assert (d / "app.dpkg-old").read_bytes() == b"0 1 * * * root /x\r\n"
    assert (d / "app").read_bytes() == b"0 1 * * * root /x\n"


def test_fix_writes_through_links_and_keeps_owner_mode_and_hard_links(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.write_bytes(b"0 1 * * * /x\r\n")
    real.chmod(0o600)
    os.link(real, tmp_path / "hard")
    (tmp_path / "tab").symlink_to("real")
    if os.geteuid() == 0:
        os.chown(real, 1234, 5678)
    res = cli("--user", "--fix", "tab", cwd=tmp_path)
    assert res.stderr == "Fixed 1 problem.\n"
    assert (tmp_path / "tab").is_symlink()
    assert real.read_bytes() == (tmp_path / "hard").read_bytes() == b"0 1 * * * /x\n"
    st_ = real.stat()
    assert st_.st_nlink == 2 and st_.st_mode & 0o777 == 0o600
    if os.geteuid() == 0:
        assert (st_.st_uid, st_.st_gid) == (1234, 5678)


def test_fix_on_a_file_it_cannot_write_is_one_line() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        _cannot_fix(Path(d))


def _cannot_fix(tmp_path: Path) -> None:
    tab = tmp_path / "tab"
    tab.write_bytes(b"0 1 * * * /x\r\n")
    tab.chmod(0o444)
    tmp_path.chmod(0o755)
    command = [sys.executable, "-m", "cronmigrate", "lint", "--user", "--fix", str(tab)]
    if os.geteuid() == 0:  # root writes anyway: run as nobody
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert res.returncode == 1, res.stderr
    assert res.stderr.strip().endswith("cannot fix: Permission denied")
    assert "Traceback" not in res.stderr and res.stderr.count("\n") == 1
    assert tab.read_bytes() == b"0 1 * * * /x\r\n"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: (d / "loop").symlink_to("loop"), "a loop of symbolic links"),
        (lambda d: (d / "loop").symlink_to("nowhere"), "dangling symbolic link"),
        (lambda d: None, "no such file or directory"),
    ],
)
def test_inputs_that_cannot_be_read_say_why(tmp_path: Path, make: Any, words: str) -> None:
    make(tmp_path)
    for command in ("lint", "plan"):
        res = run_cli(command, "loop", cwd=tmp_path)
        assert res.returncode == 2 and res.stderr.strip().endswith(f"loop: {words}"), res.stderr


def test_standard_input_is_read_once() -> None:
    res = run_cli("plan", "-", "-", stdin="0 1 * * * /x\n")
    assert res.returncode == 2 and "can be given once" in res.stderr
