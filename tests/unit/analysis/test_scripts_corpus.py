"""Real shell scripts of this machine (Debian packages': /etc/cron.daily, /etc/init.d,
/usr/bin, /usr/sbin, git's and debconf's helpers), collected at test time so no third-party
script is copied into the repository: at most 2% have a line the reader cannot read (the
constructs the grammar misses are rewritten: analysis/tsfix.py, tests/unit/analysis/
test_tsfix.py), and every script is still read (no approximate fallback)."""

from __future__ import annotations

from pathlib import Path

from cronmigrate.analysis.shell import read
from cronmigrate.analysis.walker import _strip_comments

DIRS = ("/etc/cron.daily", "/etc/init.d", "/usr/bin", "/usr/sbin", "/usr/lib/git-core",
        "/usr/share/debconf")  # fmt: skip


def _scripts() -> list[Path]:
    found = []
    for d in map(Path, DIRS):
        if not d.is_dir():
            continue
        for f in sorted(d.iterdir()):
            try:
                if not f.is_file() or f.stat().st_size > 200_000:
                    continue
                first = f.open("rb").readline(200)
            except OSError:
                continue
            if first.startswith(b"#!") and (b"/sh" in first or b"bash" in first):
                found.append(f)
    return found


def test_real_scripts_are_read() -> None:
    scripts = _scripts()
    assert len(scripts) >= 50, "the image holds Debian's shell scripts"
    partial = []
    for f in scripts:
        reading = read(_strip_comments(f.read_bytes().decode("utf-8", "surrogateescape")))
        assert reading.parsed, f
        if reading.error:
            partial.append(f"{f}: {reading.error}")
    assert len(partial) <= len(scripts) * 2 // 100, partial


def test_case_arms_functions_and_loops_are_read() -> None:
    text = (
        'while [ $# -gt 0 ]; do\n  case "$1" in\n    --bucket) shift; BUCKET=$1 ;;\n'
        "    *) usage ;;\n  esac\n  shift\ndone\n"
        "usage() { echo usage >&2; }\n"
        'for f in /srv/in/*; do gzip "$f" > /var/backups/x.gz; done\n'
        "echo $(( 1 + 2 )) | tee -a /var/log/sum.log\n"
        ". /opt/lib/common.sh\n"
        "cat <<EOF | mail -s report ops\nbody\nEOF\n"
    )
    r = read(text)
    assert r.parsed and not r.error
    programs = [u.program for u in r.uses]
    assert {"shift", "gzip", "tee", "mail", "cat"} <= set(programs)
    assert "usage" in r.functions
    assert "/opt/lib/common.sh" in r.includes
    assert {x.target for x in r.redirects} >= {"/var/backups/x.gz"}


def test_an_unreadable_line_is_named_and_the_rest_read() -> None:
    r = read("echo start\nif then fi ((\n/usr/bin/rsync -a /srv /mnt\n")
    assert r.parsed and r.error.startswith("line")
    assert "/usr/bin/rsync" in [u.program for u in r.uses]
