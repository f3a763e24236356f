"""What a crontab command runs: the program and scripts to bundle, and the job's name.

A first, conservative reading with ``shlex``: the words of each simple command, wrappers
and interpreters skipped.  Absolute paths outside the system directories that exist under
``--root`` are bundled into the function and the command is rewritten to their bundled
copies.  Commands are read with a bash parser in :mod:`cronmigrate.analysis.shell`.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path, PurePosixPath
from typing import NamedTuple

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


_NOT_THE_JOB = frozenset(
    {
        "cd",
        "test",
        "[",
        "true",
        ":",
        "sudo",
        "su",
        "flock",
        "timeout",
        "nice",
        "ionice",
        "env",
        "nohup",
        "exec",
        "command",
        "time",
        "chronic",
        "stdbuf",
        "echo",
        "printf",
        "sleep",
        "logger",
    }
)


def stem(command: str) -> str:
    """A readable name for the job: its first program that is not a wrapper, a test or a
    command substitution (``[ $(date +%d) -le 7 ] && checkarray`` is checkarray); for
    ``run-parts DIR`` the directory (``run-parts /etc/cron.daily`` is daily)."""
    from cronmigrate.analysis.shell import read

    reading = read(command)
    programs = (
        [(u.program, u.args) for u in reading.uses if not u.substituted]
        if reading.parsed
        else [
            (found[0], tuple(found[1]))
            for argv in simple_commands(command)
            if (found := program(argv))
        ]
    )
    for prog, args in programs:
        name = PurePosixPath(prog).name
        if name in _NOT_THE_JOB or name in SCRIPT_INTERPRETERS or name.startswith("$"):
            continue
        if name == "run-parts" and args and not args[-1].startswith("-"):
            # /etc/cron.daily is "daily": with the default prefix, cron-daily-<hash>
            name = PurePosixPath(args[-1]).name.removeprefix("cron.")
        name = re.sub(r"\.(sh|bash|php|py|pl|rb|js)$", "", name)
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_").lower()
        if name:
            return name
    return "job"


class BundledFile(NamedTuple):
    path: str  # absolute path on the server, e.g. /opt/batch/x.sh
    source: Path  # where it was read from (under --root)
    executable: bool
    data: bytes | None = None  # the content to bundle, when rewritten (else the source's)

    def content(self) -> bytes:
        return self.data if self.data is not None else self.source.read_bytes()

    @property
    def archive_path(self) -> str:
        return f"{BUNDLE_DIR}{self.path}"


def _is_system(path: str) -> bool:
    return path.startswith(SYSTEM_DIRS) or path in {"/", "/bin", "/usr"}


def _under(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def _safe(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return path.startswith("/") and ".." not in parts and "\x00" not in path


def bundle(command: str, root: Path) -> tuple[list[BundledFile], list[str]]:
    """(files to bundle, programs that are missing under ``root``)."""
    files: dict[str, BundledFile] = {}
    missing: list[str] = []
    cwd: str | None = None
    for argv in simple_commands(command):
        if argv[0] == "cd" and len(argv) > 1 and argv[1].startswith("/"):
            cwd = argv[1]
            continue
        found = program(argv)
        if found is None:
            continue
        prog, args = found
        candidates = [prog, *[a for a in args if a.startswith("/")]]
        for i, word in enumerate(candidates):
            path = word
            if not path.startswith("/") and "/" in path and cwd and i == 0:
                path = str(PurePosixPath(cwd) / path)
            if not path.startswith("/") or not _safe(path) or _is_system(path):
                continue
            source = _under(root, path)
            if source.is_file():
                files[path] = BundledFile(path, source, i == 0 or _executable(source))
            elif i == 0 and not source.exists():
                missing.append(path)
    return sorted(files.values(), key=lambda f: f.path), missing


def _executable(p: Path) -> bool:
    try:
        return bool(p.stat().st_mode & 0o111)
    except OSError:
        return False


def rewrite(command: str, files: list[BundledFile]) -> str:
    """Point the command at the bundled copies (outside single quotes, whole words)."""
    if not files:
        return command
    out = command
    for f in sorted(files, key=lambda f: -len(f.path)):
        out = replace_word(out, f.path, "${LAMBDA_TASK_ROOT}/" + f.archive_path)
    parents = {str(p) for f in files for p in PurePosixPath(f.path).parents if str(p) != "/"}
    for d in sorted(parents, key=len, reverse=True):
        out = replace_word(out, d, f"${{LAMBDA_TASK_ROOT}}/{BUNDLE_DIR}{d}", after="cd ")
    return out


_BOUNDARY_BEFORE = set(' \t\n;&|()`"=')
_BOUNDARY_AFTER = set(' \t\n;&|()`"<>')


def replace_word(text: str, word: str, new: str, after: str = "") -> str:
    out: list[str] = []
    i = 0
    quote = ""
    while i < len(text):
        c = text[i]
        if quote == "'":
            out.append(c)
            if c == "'":
                quote = ""
            i += 1
            continue
        if c == "\\" and i + 1 < len(text):
            out.append(text[i : i + 2])
            i += 2
            continue
        if c == "#" and not quote and (i == 0 or text[i - 1] in " \t\n;&|("):
            stop = text.find("\n", i)  # a comment: copied as it is
            stop = len(text) if stop < 0 else stop
            out.append(text[i:stop])
            i = stop
            continue
        if c == "'" and quote != '"':
            quote = "'"
        elif c == '"':
            quote = "" if quote == '"' else '"'
        end = i + len(word)
        if (
            text.startswith(word, i)
            and (i == 0 or text[i - 1] in _BOUNDARY_BEFORE)
            and (end == len(text) or text[end] in _BOUNDARY_AFTER)
            and text[:i].endswith(after)
        ):
            out.append(new)
            i = end
            continue
        out.append(c)
        i += 1
    return "".join(out)
