"""Reading crontabs: environment lines, %, macros, formats, file-level findings, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cronmigrate.crontab.env import parse_env
from cronmigrate.crontab.model import Crontab, CrontabKind
from cronmigrate.crontab.parse import decide_kind, parse_crontab
from cronmigrate.crontab.percent import split_percent
from cronmigrate.crontab.read import read_crontabs
from cronmigrate.diagnostics import Severity, rules
from tests.helpers import ROOT


def user(text: str) -> Crontab:
    return parse_crontab(text, "f", CrontabKind.USER)


def system(text: str) -> Crontab:
    return parse_crontab(text, "f", CrontabKind.SYSTEM)


@pytest.mark.parametrize(
    ("line", "pair"),
    [
        ("FOO=bar", ("FOO", "bar")),
        ("FOO = bar", ("FOO", "bar")),
        ("FOO = bar baz  ", ("FOO", "bar baz")),
        ("FOO='a b'", ("FOO", "a b")),
        ('FOO="a b"', ("FOO", "a b")),
        ('MAILTO=""', ("MAILTO", "")),
        ('"A B"=c', ("A B", "c")),
        ("PATH=$PATH:/opt/bin", ("PATH", "$PATH:/opt/bin")),  # no expansion in cron
        ("A=B=C", ("A", "B=C")),
        ("FOO=bar # not a comment", ("FOO", "bar # not a comment")),
        ("FOO=", None),  # Debian: not an environment line, so a bad entry
        ("FOO='a b' x", None),
        ("0 3 * * * cmd", None),
        ("* * * * * FOO=bar cmd", None),
    ],
)
def test_environment_lines(line: str, pair: tuple[str, str] | None) -> None:
    assert parse_env(line) == pair


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("echo hi", ("echo hi", None)),
        ("mail -s x a@b%hello%world", ("mail -s x a@b", "hello\nworld\n")),
        ("date +\\%Y-\\%m", ("date +%Y-%m", None)),
        ("cat%a\\%b", ("cat", "a%b\n")),
        ("cat%line%", ("cat", "line\n")),
        ("cmd%", ("cmd", None)),
        ("printf 'a\\\\b'", ("printf 'a\\b'", None)),  # Debian: \\ becomes \ in the command
    ],
)
def test_percent_rule(command: str, expected: tuple[str, str | None]) -> None:
    assert split_percent(command) == expected


def test_jobs_keep_env_user_and_source_line() -> None:
    tab = system("SHELL=/bin/bash\nPATH=/opt:/bin\n\n# hi\n0 3 * * *\troot\t/opt/x.sh --a\n")
    (job,) = tab.jobs
    assert str(job.location) == "f:5"
    assert job.user == "root"
    assert job.command == "/opt/x.sh --a"
    assert job.shell == "/bin/bash"
    assert job.path == "/opt:/bin"
    assert job.environment == (("SHELL", "/bin/bash"), ("PATH", "/opt:/bin"))
    assert tab.diagnostics == ()


def test_env_applies_only_to_later_entries() -> None:
    tab = user("0 1 * * * a\nFOO=1\n0 2 * * * b\nFOO=2\n0 3 * * * c\n")
    assert [j.env("FOO") for j in tab.jobs] == [None, "1", "2"]


def test_defaults_follow_debian() -> None:
    (job,) = user("0 1 * * * a\n").jobs
    assert job.shell == "/bin/sh"
    assert job.path == "/usr/bin:/bin"


def test_cron_tz_applies_to_later_entries() -> None:
    tab = user("0 1 * * * a\nCRON_TZ=Asia/Tokyo\n0 2 * * * b\nTZ=Europe/Paris\n0 3 * * * c\n")
    assert [j.timezone for j in tab.jobs] == [None, "Asia/Tokyo", "Asia/Tokyo"]


def test_unknown_time_zone_is_a_diagnostic() -> None:
    tab = user("CRON_TZ=Mars/Olympus\n0 2 * * * b\n")
    (d,) = tab.diagnostics
    assert d.code == rules.UNKNOWN_TIMEZONE.code
    assert str(d.location) == "f:1"


def test_reboot_and_macros() -> None:
    tab = user("@reboot /a\n@daily  /b\n@annually /c\n")
    assert [j.reboot for j in tab.jobs] == [True, False, False]
    assert [j.command for j in tab.jobs] == ["/a", "/b", "/c"]


def test_disabled_jobs_are_reported_not_run() -> None:
    tab = user("#0 3 * * * /a\n# 15 4 * * 1 /b\n# m h  dom mon dow   command\n# just prose\n")
    assert [(j.command, j.disabled) for j in tab.jobs] == [("/a", True), ("/b", True)]


def test_system_header_example_is_not_a_job() -> None:
    tab = system("# *  *  *  *  * user-name command to be executed\n")
    assert tab.jobs == ()


@pytest.mark.parametrize(
    ("text", "code", "column"),
    [
        ("0/15 * * * * x\n", rules.QUARTZ.code, 1),
        ("0 0 L * * x\n", rules.QUARTZ.code, 5),
        ("0 3 * * * * x\n", rules.BAD_COMMAND_START.code, 11),
        ("0 3 * * *\n", rules.MISSING_COMMAND.code, 10),
        ("0 3 * *\n", rules.SYNTAX.code, 8),
        ("@Daily x\n", rules.BAD_MACRO.code, 1),
        ("FOO=\n", rules.BAD_ENV.code, 1),
        ("  FOO='a' b\n", rules.BAD_ENV.code, 3),
        ("  0 3 32 * * x\n", rules.SYNTAX.code, 7),
        ("0 3 * * mon-fry x\n", rules.SYNTAX.code, 13),
    ],
)
def test_malformed_lines_are_diagnostics_with_file_line_col(
    text: str, code: str, column: int
) -> None:
    tab = user(text)
    assert tab.jobs == ()
    errors = [d for d in tab.diagnostics if d.severity is Severity.ERROR]
    assert [(d.code, d.location.line, d.location.column) for d in errors] == [(code, 1, column)]
    assert errors[0].text == text.rstrip("\n")
    ignored = [d for d in tab.diagnostics if d.code == rules.FILE_IGNORED.code]
    assert ignored
    assert "whole file" in ignored[0].message


def test_system_crontab_needs_a_user() -> None:
    tab = system("0 3 * * * /opt/x.sh\n")
    assert tab.diagnostics[0].code == rules.MISSING_COMMAND.code
    tab = system("0 3 * * * * root /x\n")
    assert tab.diagnostics[0].code == rules.MISSING_USER.code


def test_missing_final_newline() -> None:
    tab = user("0 3 * * * /a")
    assert tab.diagnostics[0].code == rules.MISSING_NEWLINE.code
    (d,) = user("0 3 * * * /a\n# trailing comment").diagnostics  # CM107 whatever the line
    assert (d.code, d.location.line) == ("CM107", 2) and "Debian" not in d.message


def test_crlf_is_reported_and_the_carriage_return_dropped() -> None:
    tab = user("0 3 * * * /a\r\n")
    assert tab.jobs[0].command == "/a"
    assert [d.code for d in tab.diagnostics] == [rules.CRLF.code]
    tab = user("0 3 * * * /a\r\n\r\n")
    errors = {d.code for d in tab.diagnostics if d.severity is Severity.ERROR}
    assert rules.CRLF_BREAKS_LINE.code in errors


def test_over_ten_thousand_lines_is_flagged() -> None:
    tab = user("0 3 * * * /a\n" * 10_001)
    assert any(
        d.code == rules.FILE_IGNORED.code and "10000 lines" in d.message for d in tab.diagnostics
    )


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        ("etc/crontab", "", CrontabKind.SYSTEM),
        ("etc/cron.d/x", "", CrontabKind.SYSTEM),
        ("var/spool/cron/crontabs/alice", "", CrontabKind.USER),
        ("backup/mycron", "0 3 * * * root /x\n", CrontabKind.SYSTEM),
        ("backup/mycron", "0 3 * * * /x\n", CrontabKind.USER),
        ("backup/crontab", "0 3 * * * /usr/bin/x\n", CrontabKind.USER),
        ("backup/crontab", "", CrontabKind.SYSTEM),
    ],
)
def test_format_detection(path: str, text: str, kind: CrontabKind) -> None:
    assert decide_kind(path, text, None)[0] is kind
    forced = CrontabKind.USER if kind is CrontabKind.SYSTEM else CrontabKind.SYSTEM
    assert decide_kind(path, text, forced)[0] is forced


def test_directories_read_like_cron_d(tmp_path: Path) -> None:
    d = tmp_path / "cron.d"
    d.mkdir()
    (d / "b-job").write_text("0 3 * * * root /b\n")
    (d / "a_job").write_text("0 4 * * * root /a\n")
    (d / "skip.dpkg-old").write_text("0 5 * * * root /c\n")
    (d / ".placeholder").write_text("")
    (d / "sub").mkdir()
    tabs, diags = read_crontabs([str(d)])
    assert [Path(t.path).name for t in tabs] == ["a_job", "b-job"]
    assert all(t.kind is CrontabKind.SYSTEM for t in tabs)
    assert sorted(Path(x.location.path).name for x in diags) == [".placeholder", "skip.dpkg-old"]


def test_spool_file_name_is_the_user(tmp_path: Path) -> None:
    d = tmp_path / "crontabs"
    d.mkdir()
    (d / "alice").write_text("0 3 * * * /a\n")
    tabs, _ = read_crontabs([str(d)])
    assert tabs[0].jobs[0].user == "alice"


def test_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    _, diags = read_crontabs([str(tmp_path / "missing")])
    assert diags[0].code == rules.UNREADABLE.code
    assert diags[0].one_line().startswith(f"{tmp_path / 'missing'}: CM109 error: cannot read")


@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    text = data.decode("utf-8", errors="surrogateescape")
    for kind in CrontabKind:
        tab = parse_crontab(text, "fuzz", kind)
        for d in tab.diagnostics:
            assert "\n" not in d.one_line()


NEAR = st.text(alphabet=" \t*/-,#%@=\"'0123456789LW?abcdefjmnorstuy\r\n", max_size=120)


@given(NEAR)
def test_near_crontab_text_never_raises(text: str) -> None:
    for kind in CrontabKind:
        tab = parse_crontab(text, "fuzz", kind)
        for job in tab.jobs:
            assert job.location.line >= 1


def test_python_crontab_agrees_on_a_plain_user_crontab() -> None:
    """python-crontab serves as a second reader of plain user crontabs (fields, command,
    enabled). cronmigrate does not use it at run time: it has no system-crontab format,
    no '%' rule, misses 'NAME = value' lines, fails on 'NAME=', accepts '0/15' and widens
    '12-12', and importing it costs the lint hook start-up time."""
    from crontab import CronTab

    text = (ROOT / "samples/var/spool/cron/crontabs/deploy").read_text()
    theirs = [(item.command, item.is_enabled(), str(item.slices)) for item in CronTab(tab=text)]
    jobs = user(text).jobs
    assert [(j.command, not j.disabled) for j in jobs] == [t[:2] for t in theirs]
    assert [j.schedule_text for j in jobs] == [t[2] for t in theirs]
    assert len(jobs) == 5


@pytest.mark.parametrize(
    "line",
    [
        "0 0 12 * * ? /x",  # Quartz: seconds first, '?'
        "0 0 12 * * ? 2026 /x",  # Quartz with a year
        "30 0 12 * * MON-FRI /x",  # seconds, then a day name
        "0 12 * * 1 2026 /x",  # EventBridge's year field
        "0 0 12 1 * 3 4 /x",  # two more numeric fields
    ],
)
def test_pasted_quartz_or_eventbridge_syntax_is_cm105(line: str) -> None:
    """Debian reads the line as a job whose command starts with the extra fields (entry.c
    rejects only a user crontab's command starting with '*'): CM105 on that job's line."""
    tab = parse_crontab(line + "\n", "t", CrontabKind.USER)
    (job,) = tab.jobs
    assert line.endswith(job.command) and job.command != "/x"
    (d,) = [d for d in tab.diagnostics if d.code == "CM105"]
    assert "pasted into a crontab" in d.message and d.location.line == 1


@pytest.mark.parametrize(
    "command", ["/usr/bin/x 5", "2to3 x", "7z a x", "echo 0 0", "[ -x /x ] && /x"]
)
def test_ordinary_commands_are_not_taken_for_time_fields(command: str) -> None:
    tab = parse_crontab(f"0 12 * * 1 {command}\n", "t", CrontabKind.USER)
    assert [j.command for j in tab.jobs] == [command]
