"""Shell words of a crontab command, read with ``shlex``: the simple commands, the program
each runs (wrappers and interpreters skipped), and the name a job is known by.

The fast path that ``lint`` uses without loading a parser; the full reading is
:mod:`cronmigrate.analysis.shell`, the bundling :mod:`cronmigrate.analysis.bundle`.
"""

from __future__ import annotations

import re
import shlex
from pathlib import PurePosixPath

# The distribution's files: never bundled. /usr/local and /opt are the site's own.
SYSTEM_DIRS = (
    "/usr/bin/",
    "/usr/sbin/",
    "/usr/lib/",
    "/usr/lib64/",
    "/usr/libexec/",
    "/usr/share/",
    "/usr/include/",
    "/bin/",
    "/sbin/",
    "/lib/",
    "/lib64/",
    "/etc/",
    "/dev/",
    "/proc/",
    "/sys/",
    "/tmp/",
    "/var/log/",
    "/var/run/",
    "/run/",
)
# Programs that run a script given as their first argument.
SCRIPT_INTERPRETERS = frozenset(
    {
        "sh",
        "bash",
        "dash",
        "ksh",
        "zsh",
        "php",
        "perl",
        "ruby",
        "node",
        "python",
        "python2",
        "python3",
    }
)
INTERPRETERS = SCRIPT_INTERPRETERS | {"env"}
_VERSIONED = re.compile(r"^(python[23]|php[578]|perl5|ruby[23])\.[0-9]+$")  # python3.11


def runs_a_script(name: str) -> bool:
    """An interpreter that runs the script its first argument names: bash, php, python3.11."""
    return name in SCRIPT_INTERPRETERS or bool(_VERSIONED.match(name))


WRAPPERS = frozenset({"nice", "ionice", "nohup", "time", "chronic", "exec", "command"})
OPERATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", "{", "}", ";;", "|&", "!"})
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")  # NAME=value before a command
BUNDLE_DIR = "root"  # bundled files live under $LAMBDA_TASK_ROOT/root/<absolute path>


def words(command: str) -> list[str]:
    """Shell words and operators; [] when the command cannot be split (unbalanced quotes)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return []


def simple_commands(command: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for w in words(command):
        if w in OPERATORS or set(w) <= set(";&|()"):
            out.append([])
        else:
            out[-1].append(w)
    return [c for c in out if c]


def program(argv: list[str]) -> tuple[str, list[str]] | None:
    """The program a simple command runs (wrappers and interpreters skipped) and its args."""
    i = 0
    while i < len(argv):
        w = argv[i]
        base = PurePosixPath(w).name
        if ASSIGNMENT.match(w):
            i += 1
        elif base in WRAPPERS or base == "timeout":
            i = _skip_options(argv, i + 1)
            if base == "timeout":
                i += 1  # the duration
        elif base in INTERPRETERS and i + 1 < len(argv):
            rest = [a for a in argv[i + 1 :] if not a.startswith("-")]
            if base == "env" or not rest or rest[0] == "-c":
                i += 1
                continue
            return rest[0], rest[1:]
        else:
            return w, argv[i + 1 :]
    return None


def _skip_options(argv: list[str], i: int) -> int:
    """Skip ``-x``, ``-n 10``, ``--opt=v`` style options of a wrapper."""
    while i < len(argv) and argv[i].startswith("-"):
        i += 1
        if i < len(argv) and re.fullmatch(r"[0-9]+[smhd]?|[A-Z]+", argv[i]):
            i += 1
    return i
