"""Will it run? A job's programs are in the runtime, bundled from the server's copy, or given
by a layer; Python jobs get Lambda's Python runtime; $HOME is the owner's home; path tests are
evaluated against the copy. Anything else is a job that would fail on every run: not
generated."""

from __future__ import annotations

from pathlib import Path

import pytest

from cronmigrate.analysis import python
from cronmigrate.analysis.shell import read
from cronmigrate.analysis.walker import Needs, analyse
from cronmigrate.crontab.model import CronJob, CrontabKind
from cronmigrate.crontab.parse import parse_crontab


def job(command: str, env: str = "", user: str = "app") -> CronJob:
    (j,) = parse_crontab(f"{env}0 3 * * * {user} {command}\n", "tab", CrontabKind.SYSTEM).jobs
    return j


def server(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    for path, text, mode in [
        ("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n", 0o644),
        ("home/app/bin/monthly", "#!/bin/sh\necho monthly\n", 0o755),
        ("usr/sbin/app-tool", "#!/bin/sh\necho tool\n", 0o755),
        ("usr/sbin/anacron", "#!/bin/sh\n", 0o755),
        ("opt/py/stats.py", "#!/usr/bin/python3\nimport json\nfrom helpers import x\n", 0o755),
        ("opt/py/helpers.py", "x = 1\n", 0o644),
        (
            "opt/py/net.py",
            "#!/usr/bin/env python3\nimport requests\n"
            "try:\n import ujson\nexcept ImportError:\n ujson = None\n",
            0o755,
        ),
        ("opt/py/old.py", "#!/usr/bin/python\nprint 'hello'\n", 0o755),
        ("opt/py/two.py", "#!/usr/bin/python2\nimport os\n", 0o755),
    ]:
        f = root / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
        f.chmod(mode)
    return root


NONE = Needs()


def codes(
    command: str, root: Path | None, needs: Needs = NONE, user: str = "app"
) -> dict[str, str]:
    return {f.code: f.message for f in analyse(job(command, user=user), root, needs).findings}


@pytest.mark.parametrize(
    ("command", "needs", "expected"),
    [
        ("/usr/bin/php /var/www/x.php", Needs(), "CM501"),
        ("/usr/bin/php /var/www/x.php", Needs(accept_missing=True), "CM517"),
        ("/usr/bin/php /var/www/x.php", Needs(provides=frozenset({"php"})), None),
        ("perl -e 1", Needs(), "CM501"),
        ("/usr/sbin/not-here --x", Needs(), "CM501"),
    ],
)
def test_a_missing_program_is_an_error_unless_a_layer_provides_it(
    command: str, needs: Needs, expected: str | None, tmp_path: Path
) -> None:
    found = codes(command, server(tmp_path), needs)
    program_codes = {c for c in found if c in {"CM501", "CM517"}}
    assert program_codes == ({expected} if expected else set()), found


def test_a_layers_program_at_a_server_path_is_the_layers(tmp_path: Path) -> None:
    a = analyse(
        job("/usr/bin/php /var/www/x.php"), server(tmp_path), Needs(provides=frozenset({"php"}))
    )
    assert a.command == "php /var/www/x.php"  # /opt/bin/php, on PATH


def test_a_server_program_in_the_copy_is_bundled(tmp_path: Path) -> None:
    a = analyse(job("/usr/sbin/app-tool --now"), server(tmp_path))
    assert [f.path for f in a.bundle] == ["/usr/sbin/app-tool"]
    assert a.command == "${LAMBDA_TASK_ROOT}/root/usr/sbin/app-tool --now"
    assert not [f for f in a.findings if f.code == "CM501"]


@pytest.mark.parametrize(
    ("command", "renamed"),
    [
        ("python3 /opt/py/stats.py", "python3 ${LAMBDA_TASK_ROOT}/root/opt/py/stats.py"),
        ("/usr/bin/python3 /opt/py/stats.py", "python3 ${LAMBDA_TASK_ROOT}/root/opt/py/stats.py"),
        ("python3.9 /opt/py/stats.py", "python3 ${LAMBDA_TASK_ROOT}/root/opt/py/stats.py"),
        ("python /opt/py/stats.py", "python ${LAMBDA_TASK_ROOT}/root/opt/py/stats.py"),
        ("/opt/py/stats.py", "${LAMBDA_TASK_ROOT}/root/opt/py/stats.py"),
    ],
)
def test_python_jobs_run_on_the_python_runtime(command: str, renamed: str, tmp_path: Path) -> None:
    a = analyse(job(command), server(tmp_path))
    assert a.python
    assert a.command == renamed
    assert {f.path for f in a.bundle} == {"/opt/py/stats.py", "/opt/py/helpers.py"}  # its module
    stats = next(f for f in a.bundle if f.path.endswith("stats.py"))
    assert stats.content().startswith(b"#!/usr/bin/env python3\n")  # the runtime's python3
    assert not [f for f in a.findings if f.severity.name == "ERROR"], a.findings


def test_python_2_is_refused_with_its_own_reason(tmp_path: Path) -> None:
    root = server(tmp_path)
    assert "CM518" in codes("python2 /opt/py/stats.py", root)
    assert "CM518" in codes("/opt/py/two.py", root)  # #!/usr/bin/python2
    assert "line 2" in codes("/opt/py/old.py", root)["CM518"]  # a print statement


def test_a_third_party_import_needs_requirements(tmp_path: Path) -> None:
    root = server(tmp_path)
    found = codes("/opt/py/net.py", root)
    assert "imports requests" in found["CM519"]
    assert "ujson" not in found["CM519"]  # imported under try/except ImportError
    a = analyse(job("/opt/py/net.py"), root, Needs(requirements=("requests==2.32.3",)))
    assert not [f for f in a.findings if f.code == "CM519"]
    assert a.third_party == ("requests",)


def test_home_is_the_owners_home_in_the_copy(tmp_path: Path) -> None:
    root = server(tmp_path)
    for written in (
        "$HOME/bin/monthly",
        "${HOME}/bin/monthly",
        "~/bin/monthly",
        "~app/bin/monthly",
    ):
        a = analyse(job(written), root)
        assert [f.path for f in a.bundle] == ["/home/app/bin/monthly"], written
        assert a.command == "${LAMBDA_TASK_ROOT}/root/home/app/bin/monthly", written
    # the crontab's HOME= wins, as with cron
    a = analyse(job("$HOME/bin/monthly", env="HOME=/srv\n"), root)
    assert "CM301" in {f.code for f in a.findings}


def test_an_unknown_home_is_said_once_and_its_programs_are_missing(tmp_path: Path) -> None:
    root = server(tmp_path)
    found = codes("$HOME/bin/a; $HOME/bin/b", root, user="nobody")
    assert "CM521" in found and "no /etc/passwd entry for nobody" in found["CM521"]
    assert "CM301" in found
    without_root = codes("$HOME/bin/monthly", None)
    assert {"CM521", "CM301"} <= set(without_root)
    all_findings = analyse(job("$HOME/bin/a; $HOME/bin/b", user="nobody"), root).findings
    assert [f.code for f in all_findings].count("CM521") == 1


@pytest.mark.parametrize(
    ("command", "verdict", "lambda_command"),
    [
        # absent on the server: cron never runs the rest
        ("[ -x /usr/sbin/backupninja ] && /usr/sbin/backupninja", "CM520", None),
        ("if [ -x /usr/sbin/nothere ]; then /usr/sbin/nothere; fi", "CM520", None),
        ("command -v nothere >/dev/null && nothere --go", "CM520", None),
        # anacron is there: cron never runs run-parts from this line
        ("test -x /usr/sbin/anacron || run-parts /etc/cron.daily", "CM520", None),
        # there, and bundled: the test reads the bundled copy
        (
            "[ -x /usr/sbin/app-tool ] && /usr/sbin/app-tool",
            None,
            "[ -x ${LAMBDA_TASK_ROOT}/root/usr/sbin/app-tool ] && "
            "${LAMBDA_TASK_ROOT}/root/usr/sbin/app-tool",
        ),
        # absent, so the rest runs, on Lambda as on the server
        ("test -x /usr/sbin/cron-apt || echo no-apt", None, "false || echo no-apt"),
        # a test that is true on the server and whose path Lambda lacks: its answer stays
        ("[ -d /etc ] && echo yes", None, "true && echo yes"),
    ],
)
def test_path_tests_are_evaluated_against_the_copy(
    command: str, verdict: str | None, lambda_command: str | None, tmp_path: Path
) -> None:
    a = analyse(job(command), server(tmp_path))
    errors = {f.code for f in a.findings if f.severity.name == "ERROR"}
    assert errors == ({verdict} if verdict else set()), a.findings
    if lambda_command is not None:
        assert a.command == lambda_command


def test_path_tests_are_read_by_the_parser() -> None:
    (g,) = read("[ ! -f /var/run/x.pid ] || rm /var/run/x.pid").guards
    assert (g.op, g.test, g.path, g.negated, g.whole) == ("||", "-f", "/var/run/x.pid", True, True)
    (g,) = read("echo a; test -x /x && /x").guards
    assert not g.whole
    assert read("[ $(date +%d) -le 7 ] && echo first-week").guards == ()


def test_without_a_copy_nothing_is_evaluated() -> None:
    """lint reads crontabs in a repository: no server to look at."""
    a = analyse(job("[ -x /usr/sbin/backupninja ] && /usr/sbin/backupninja"), None)
    assert "CM520" not in {f.code for f in a.findings}


def test_python_helpers() -> None:
    assert python.interpreter("/usr/local/bin/python3.11") == "python3"
    assert python.interpreter("python2.7") == "python2"
    assert python.interpreter("pythonista") is None
    assert python.shebang_interpreter(b"#!/usr/bin/env python3 -u\n") == "python3"
    assert python.requirement_name("PyYAML==6.0.2") == "pyyaml"
    assert python.provided_modules(("PyYAML==6.0.2", "requests==2.32.3")) == {"yaml", "requests"}
