"""Reading commands and the scripts they call: findings, bundles, rewrites, binaries."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from cronmigrate.analysis import elf
from cronmigrate.analysis.shell import read
from cronmigrate.analysis.walker import Needs, analyse
from cronmigrate.crontab.model import CronJob, CrontabKind
from cronmigrate.crontab.parse import parse_crontab
from cronmigrate.diagnostics import Severity
from cronmigrate.plan.identity import stem
from tests.helpers import ROOT

SERVER = ROOT / "samples/server-root"


def job(command: str, env: str = "") -> CronJob:
    (j,) = parse_crontab(f"{env}0 3 * * * {command}\n", "tab", CrontabKind.USER).jobs
    return j


def codes(command: str, root: Path | None = None) -> set[str]:
    return {f.code for f in analyse(job(command), root).findings}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/usr/bin/php /var/www/x.php", {"CM501"}),
        ("aws s3 sync /tmp/out s3://bucket/", {"CM501"}),
        ("mysqldump app > /tmp/app.sql", {"CM501", "CM503"}),
        ("mysqldump -h db.internal app > /tmp/app.sql", {"CM501"}),
        ("curl -fsS http://127.0.0.1:8080/ping", {"CM503"}),
        ("sleep 3600; echo done", {"CM504"}),
        ("timeout 2h curl -fsS https://example.com", {"CM504"}),
        ("sleep 30; echo done", set()),
        ("sudo -u app curl -fsS https://example.com", {"CM505"}),
        ("su - app -c 'curl -fsS https://example.com'", {"CM505"}),
        ("cp /tmp/a /var/backups/a", {"CM502"}),
        ("echo x > /tmp/out.txt", set()),
        ("echo x >> /var/log/app.log 2>&1", {"CM506"}),
        ("echo x > /srv/data/out.csv", {"CM502"}),
        ("bash -c 'echo x > /srv/out'", {"CM502"}),
        ("run-parts --report /etc/cron.daily", {"CM514"}),  # bundled; no root: not checked
        ("sudo -i", {"CM515"}),
        ("su - app", {"CM515"}),
        ("find /tmp -mtime +7 -delete", {"CM501"}),
        ("date +%s | grep -q 1 && echo ok", set()),
        ('case "$x" in a) echo a;; esac', set()),  # tree-sitter reads case arms
        ("echo $(( 1 +  ; fi", {"CM507"}),  # unreadable: named, the rest read
        ("backup-tool --all", set()),  # not known to be a program (no --root): no finding
    ],
)
def test_command_findings(command: str, expected: set[str]) -> None:
    assert codes(command) == expected


def test_wrappers_and_interpreters_are_looked_through() -> None:
    r = read("flock -n /tmp/x.lock timeout 600 nice -n 10 ionice -c3 /opt/b.sh arg | logger -t b")
    programs = [u.program for u in r.uses]
    assert "/opt/b.sh" in programs
    assert programs[-1] == "logger"
    r = read("cd /srv/app && php artisan schedule:run")
    assert [(u.program, u.via, u.cwd) for u in r.uses][-1] == ("artisan", "php", "/srv/app")
    r = read("/usr/bin/env python3 /opt/x.py --flag")
    assert "/opt/x.py" in [u.program for u in r.uses]
    r = read("sh -c 'cd /opt && ./run.sh'")
    assert ("./run.sh", "/opt") in [(u.program, u.cwd) for u in r.uses]


@pytest.mark.parametrize(
    "command",
    [
        "test -e /run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r",  # e2fsprogs
        "test -e /run/systemd/system || SERVICE_MODE='1 2' /sbin/e2scrub_all -A -r",  # bashlex
        "A=1 B=2 sudo -u root C=3 /sbin/e2scrub_all -A -r",
    ],
)
def test_assignments_before_a_command_are_not_its_program(command: str) -> None:
    programs = [u.program for u in read(command).uses]
    assert "/sbin/e2scrub_all" in programs
    assert not [p for p in programs if "=" in p]
    assert stem(command) == "e2scrub_all"


@pytest.mark.parametrize(
    ("command", "name"),
    [
        # Debian's mdadm and zfsutils-linux cron.d: the date is a test, not the job
        (
            "if [ -x /usr/share/mdadm/checkarray ] && [ $(date +%d) -le 7 ]; "
            "then /usr/share/mdadm/checkarray --cron --all --idle --quiet; fi",
            "checkarray",
        ),
        ("if [ `date +%w` -eq 0 ]; then /usr/lib/zfs-linux/trim; fi", "trim"),
        # Debian's /etc/crontab: run-parts is named by its directory
        (
            "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }",
            "daily",
        ),
        ("cd / && run-parts --report /etc/cron.hourly", "hourly"),
        ("echo $(hostname) | mail -s report root", "mail"),
    ],
)
def test_job_names_come_from_what_the_job_runs(command: str, name: str) -> None:
    assert stem(command) == name


def test_log_redirections_are_dropped_from_the_lambda_command() -> None:
    a = analyse(job("/usr/bin/env echo hi >> /var/log/x.log 2>&1"), None)
    assert a.command == "/usr/bin/env echo hi 2>&1"
    a = analyse(job("echo hi > /dev/null 2>&1; echo there"), None)
    assert a.command == "echo hi 2>&1; echo there"
    a = analyse(job("echo hi > /srv/keep.txt"), None)
    assert a.command == "echo hi > /srv/keep.txt"  # not a log: kept, and reported (CM502)


def test_server_root_bundles_scripts_and_what_they_source() -> None:
    tab = parse_crontab((SERVER / "etc/cron.d/app").read_text(), "app", CrontabKind.SYSTEM)
    report, artisan, backup, warm, *_ = tab.jobs  # then the Python, $HOME and guard jobs
    a = analyse(report, SERVER)
    assert [f.path for f in a.bundle] == ["/opt/app/bin/report.sh", "/opt/app/lib/common.sh"]
    assert a.command == "${LAMBDA_TASK_ROOT}/root/opt/app/bin/report.sh --hourly 2>&1"
    script = next(f for f in a.bundle if f.path.endswith("report.sh")).content().decode()
    assert "source ${LAMBDA_TASK_ROOT}/root/opt/app/lib/common.sh" in script
    # `log` is a function of common.sh, not a missing tool; DB_PASSWORD moves to SSM
    assert {f.code for f in a.findings} == {"CM506", "CM511"}
    a = analyse(artisan, SERVER)
    assert [f.path for f in a.bundle] == ["/var/www/app/artisan"]
    assert a.command.startswith("cd ${LAMBDA_TASK_ROOT}/root/var/www/app && php artisan")
    a = analyse(backup, SERVER)
    assert {f.code for f in a.findings} >= {"CM501", "CM502", "CM503"}
    assert any("backup.sh: writes /var/backups/app.sql" in f.message for f in a.findings)
    assert {f.code for f in analyse(warm, SERVER).findings} == {"CM503", "CM505", "CM511"}


def test_usr_local_is_the_sites_own_and_bundled(tmp_path: Path) -> None:
    (tmp_path / "usr/local/bin").mkdir(parents=True)
    (tmp_path / "usr/local/bin/nightly").write_text("#!/bin/sh\necho n\n")
    a = analyse(job("/usr/local/bin/nightly --all"), tmp_path)
    assert [f.path for f in a.bundle] == ["/usr/local/bin/nightly"]
    assert a.command == "${LAMBDA_TASK_ROOT}/root/usr/local/bin/nightly --all"
    assert a.findings == ()
    assert {f.code for f in analyse(job("/usr/bin/rsync -a /srv /tmp"), tmp_path).findings} == {
        "CM501"
    }


def test_missing_script_under_root_is_an_error(tmp_path: Path) -> None:
    a = analyse(job("/opt/absent.sh"), tmp_path)
    (f,) = [f for f in a.findings if f.code == "CM301"]
    assert f.severity is Severity.ERROR and str(f.location) == "tab:1"
    assert a.missing == ("/opt/absent.sh",)
    assert analyse(job("/opt/absent.sh"), None).findings == ()  # no root: not checked


def test_run_parts_directory_is_bundled_with_a_run_parts(tmp_path: Path) -> None:
    d = tmp_path / "etc/cron.daily"
    d.mkdir(parents=True)
    (d / "logrotate").write_text("#!/bin/sh\necho rotate\n")
    (d / "skip.dpkg-old").write_text("#!/bin/sh\n")
    a = analyse(job("run-parts --report /etc/cron.daily"), tmp_path)
    assert [f.path for f in a.bundle] == [
        "/etc/cron.daily/logrotate",
        "/usr/lib/cronmigrate/run-parts",
    ]
    assert a.command == (
        "${LAMBDA_TASK_ROOT}/root/usr/lib/cronmigrate/run-parts --report "
        "${LAMBDA_TASK_ROOT}/root/etc/cron.daily"
    )
    assert [f.severity for f in a.findings if f.code == "CM514"] == [Severity.INFO]
    assert not [f for f in a.findings if f.code == "CM501"]
    assert b"run-parts for Lambda" in a.bundle[1].content()


def test_files_the_job_reads_are_bundled_or_reported(tmp_path: Path) -> None:
    (tmp_path / "srv/app").mkdir(parents=True)
    (tmp_path / "srv/app/settings.ini").write_text("[x]\n")
    a = analyse(job("awk -f /srv/app/prog.awk /srv/app/settings.ini"), tmp_path)
    assert [f.path for f in a.bundle] == ["/srv/app/settings.ini"]
    (f,) = [f for f in a.findings if f.code == "CM512"]
    assert "/srv/app/prog.awk is not in the server's copy (--root)" in f.message
    assert "${LAMBDA_TASK_ROOT}/root/srv/app/settings.ini" in a.command


def _host_binary() -> Path:
    return Path(sys.executable).resolve()


def test_compiled_program_sets_the_architecture(tmp_path: Path) -> None:
    info = elf.read(_host_binary().read_bytes())
    assert info is not None and info.architecture in {"x86_64", "arm64"}
    (tmp_path / "opt").mkdir()
    shutil.copy(_host_binary(), tmp_path / "opt/tool")
    a = analyse(job("/opt/tool --run"), tmp_path)
    assert a.architecture == info.architecture
    assert [f.severity for f in a.findings if f.code == "CM513"] == [Severity.INFO]
    assert not [f for f in a.findings if f.code == "CM508"]
    other = "arm64" if info.architecture == "x86_64" else "x86_64"
    refused = analyse(job("/opt/tool --run"), tmp_path, Needs(architecture=other))
    assert [f.severity for f in refused.findings if f.code == "CM508"] == [Severity.ERROR]


def test_foreign_and_mixed_architectures_are_refused(tmp_path: Path) -> None:
    data = bytearray(_host_binary().read_bytes())
    (tmp_path / "opt").mkdir()
    arm = bytearray(data)
    arm[18:20] = (183).to_bytes(2, "little")
    x86 = bytearray(data)
    x86[18:20] = (62).to_bytes(2, "little")
    (tmp_path / "opt/a").write_bytes(bytes(arm))
    (tmp_path / "opt/b").write_bytes(bytes(x86))
    mips = bytearray(data)
    mips[18:20] = (8).to_bytes(2, "little")
    (tmp_path / "opt/c").write_bytes(bytes(mips))
    mixed = analyse(job("/opt/a && /opt/b"), tmp_path)
    assert any(
        f.code == "CM508" and f.severity is Severity.ERROR and "another program" in f.message
        for f in mixed.findings
    )
    foreign = analyse(job("/opt/c"), tmp_path)
    assert any("MIPS" in f.message for f in foreign.findings if f.code == "CM508")


def test_shared_libraries_beyond_glibc_are_reported(tmp_path: Path) -> None:
    curl = shutil.which("curl")
    assert curl is not None
    info = elf.read(Path(curl).read_bytes())
    assert info is not None and "libcurl.so.4" in info.needed
    (tmp_path / "opt").mkdir()
    shutil.copy(curl, tmp_path / "opt/fetch")
    found = analyse(job("/opt/fetch https://example.com"), tmp_path).findings
    assert any(f.code == "CM509" and "libcurl.so.4" in f.message for f in found)


def test_not_elf() -> None:
    assert elf.read(b"#!/bin/sh\necho hi\n") is None
    assert elf.read(b"\x7fELF" + b"\x00" * 10) is None


def test_analysis_never_raises_on_odd_commands() -> None:
    for command in [
        "$(",
        "`",
        "a |",
        "'unbalanced",
        "((x=1))",
        "cat <<EOF",
        "x=1 y=2",
        "&& b",
        "\\",
        "${x:-$(echo ${y})}",
        "for i in 1 2; do echo $i; done",
    ]:
        analyse(job(command), None)


def test_missing_run_parts_directory_is_a_refusal(tmp_path: Path) -> None:
    (tmp_path / "etc/cron.daily").mkdir(parents=True)  # empty: runs nothing, as on the server
    a = analyse(job("run-parts --report /etc/cron.weekly"), tmp_path)
    (f,) = [f for f in a.findings if f.code == "CM302"]
    assert f.severity is Severity.ERROR and "/etc/cron.weekly" in f.message
    a = analyse(job("run-parts --report /etc/cron.daily"), tmp_path)
    assert not [f for f in a.findings if f.severity is Severity.ERROR]
    assert "/usr/lib/cronmigrate/run-parts" in [f.path for f in a.bundle]


def test_run_parts_is_bundled_even_without_a_directory_to_bundle() -> None:
    a = analyse(job("test -x /usr/sbin/anacron || run-parts --report /etc/cron.daily"), None)
    assert [f.path for f in a.bundle] == ["/usr/lib/cronmigrate/run-parts"]
    assert "${LAMBDA_TASK_ROOT}/root/usr/lib/cronmigrate/run-parts --report" in a.command


@pytest.mark.parametrize(
    ("command", "lambda_command"),
    [
        ("sudo -u app /opt/t/x.sh a", "${LAMBDA_TASK_ROOT}/root/opt/t/x.sh a"),
        ("/usr/bin/sudo -E -u www-data -- /opt/t/x.sh", "${LAMBDA_TASK_ROOT}/root/opt/t/x.sh"),
        ("su - app -c '/opt/t/x.sh b'", "( ${LAMBDA_TASK_ROOT}/root/opt/t/x.sh b )"),
        ('su -s /bin/bash -c "/opt/t/x.sh c" app', "( ${LAMBDA_TASK_ROOT}/root/opt/t/x.sh c )"),
        ("runuser -u app -- /opt/t/x.sh d", "${LAMBDA_TASK_ROOT}/root/opt/t/x.sh d"),
        ("runuser -l app -c '/opt/t/x.sh e'", "( ${LAMBDA_TASK_ROOT}/root/opt/t/x.sh e )"),
        (
            "test -d /opt && sudo -u a /opt/t/x.sh >> /var/log/x.log 2>&1 || echo no",
            "test -d /opt && ${LAMBDA_TASK_ROOT}/root/opt/t/x.sh 2>&1 || echo no",
        ),
        ('su app -c "/opt/t/x.sh $HOME"', 'sh -c "${LAMBDA_TASK_ROOT}/root/opt/t/x.sh $HOME"'),
    ],
)
def test_sudo_su_and_runuser_are_stripped(
    tmp_path: Path, command: str, lambda_command: str
) -> None:
    (tmp_path / "opt/t").mkdir(parents=True)
    (tmp_path / "opt/t/x.sh").write_text("#!/bin/sh\necho x\n")
    a = analyse(job(command), tmp_path)
    assert a.command == lambda_command
    assert [f.path for f in a.bundle] == ["/opt/t/x.sh"]
    (f,) = [f for f in a.findings if f.code == "CM505"]
    assert "stripped" in f.message
    assert not [f for f in a.findings if f.severity is Severity.ERROR]


def test_sudo_in_a_script_is_reported_as_missing(tmp_path: Path) -> None:
    (tmp_path / "opt").mkdir()
    (tmp_path / "opt/x.sh").write_text("#!/bin/sh\nsudo -u pg vacuumdb -a\n")
    a = analyse(job("/opt/x.sh"), tmp_path)
    assert any(f.code == "CM501" and "sudo" in f.message for f in a.findings)


def test_links_in_the_root_copy_are_resolved_inside_it(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "opt/app").mkdir(parents=True)
    (root / "srv").mkdir()
    (root / "srv/real.sh").write_text("#!/bin/sh\necho from the copy\n")
    # as on the server: an absolute link, meant for the server's file system
    (root / "opt/app/job.sh").symlink_to("/srv/real.sh")
    outside = tmp_path / "host-secret.sh"
    outside.write_text("#!/bin/sh\necho from the build machine\n")
    (root / "opt/app/host.sh").symlink_to(str(outside))  # exists on the host, not in the copy
    (root / "opt/app/climb.sh").symlink_to("../../../../host-secret.sh")
    a = analyse(job("/opt/app/job.sh"), root)
    (f,) = a.bundle
    assert f.content() == b"#!/bin/sh\necho from the copy\n"
    assert not [d for d in a.findings if d.severity is Severity.ERROR]
    b = analyse(job(f"/opt/app/host.sh; {outside}"), root)
    assert b.bundle == ()  # the host's file is never bundled
    assert "/opt/app/host.sh" in b.missing
    c = analyse(job("/opt/app/climb.sh"), root)
    assert c.bundle == ()
    assert any(d.code == "CM512" and "climbs above it" in d.message for d in c.findings)


def test_a_link_loop_in_the_root_copy_is_a_missing_script(tmp_path: Path) -> None:
    (tmp_path / "opt").mkdir()
    (tmp_path / "opt/a.sh").symlink_to("/opt/b.sh")
    (tmp_path / "opt/b.sh").symlink_to("/opt/a.sh")
    a = analyse(job("/opt/a.sh"), tmp_path)
    assert a.missing == ("/opt/a.sh",) and a.bundle == ()


def test_a_name_the_runtime_lacks_is_missing_wherever_it_is(tmp_path: Path) -> None:
    """With a copy of the server, a program neither in the runtime nor bundled is missing on
    Lambda: exit 127 on every run (a program of the server's, or one it lacks too)."""
    (tmp_path / "usr/bin").mkdir(parents=True)
    (tmp_path / "usr/bin/backup-tool").write_text("#!/bin/sh\n")
    found = analyse(job("backup-tool --all; random-word x"), tmp_path).findings
    messages = [f.message for f in found if f.code == "CM501"]
    assert len(messages) == 2
    assert "a program of the server's (/usr/bin/backup-tool)" in messages[0]
    assert messages[1].startswith("random-word is not in provided.al2023, nor in the server's")
    # without a copy (lint in a repository): an unknown word is not taken for a program
    assert not [f for f in analyse(job("random-word x"), None).findings if f.code == "CM501"]


def test_bashisms_in_a_posix_sh_script_are_reported(tmp_path: Path) -> None:
    (tmp_path / "opt").mkdir()
    (tmp_path / "opt/sh.sh").write_text("#!/bin/sh\nif [[ -f /x ]]; then echo y; fi\ncat <<< hi\n")
    (tmp_path / "opt/bash.sh").write_text("#!/bin/bash\nif [[ -f /x ]]; then echo y; fi\n")
    a = analyse(job("/opt/sh.sh"), tmp_path)
    found = [f.message for f in a.findings if f.code == "CM516"]
    assert found == [
        "/opt/sh.sh: line 2: [[ ]] is bash, but the script says #!/bin/sh (dash on Debian "
        "refused it; bash runs it on Lambda)",
        "/opt/sh.sh: line 3: <<< is bash, but the script says #!/bin/sh (dash on Debian "
        "refused it; bash runs it on Lambda)",
    ]
    assert not [f for f in analyse(job("/opt/bash.sh"), tmp_path).findings if f.code == "CM516"]
