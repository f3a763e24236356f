"""``cronmigrate lint``: a fast path that imports only what linting needs (no typer, rich,
jinja2), because it runs in every commit.

Settings come from ``[tool.cronmigrate.lint]`` in ./pyproject.toml or ``lint:`` in
./cronmigrate.yaml; options on the command line win.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from cronmigrate import __version__
from cronmigrate.diagnostics import Severity
from cronmigrate.errors import CronmigrateError, run_guarded

FORMATS = ("text", "json", "sarif", "github")
SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        sys.stderr.write(f"error: cronmigrate lint: {message}\n")
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="cronmigrate lint",
        description="Lint crontabs: mistakes cron makes silently, and what blocks a move to "
        "AWS. Exit 0: no finding at or above --fail-on; 1: findings; 2: usage error.",
        epilog="Suppress on the line before a job: '# cronmigrate: disable=CM404'; "
        "for a file: '# cronmigrate: disable-file=CM407'.",
    )
    p.add_argument("files", nargs="*", help="crontab files or directories ('-': stdin)")
    p.add_argument("--format", choices=FORMATS, default=None, help="output format (text)")
    p.add_argument(
        "--select",
        help="only these codes, prefixes or groups, comma-separated (CM1,CM404; mistakes is "
        "the default, migration the advice on moving to AWS, ALL everything)",
    )
    p.add_argument("--extend-select", help="these as well as the selection (migration)")
    p.add_argument("--ignore", help="not these codes or prefixes, comma-separated")
    p.add_argument("--fail-on", choices=tuple(SEVERITIES), default=None,
                   help="the lowest severity that fails (warning)")  # fmt: skip
    p.add_argument("--show-info", action="store_true", default=None, help="show info findings")
    p.add_argument("--timezone", "-z", default=None, help="the servers' zone (UTC)")
    p.add_argument(
        "--root",
        default=None,
        help="a copy of the server's files: follow the scripts jobs run under it",
    )
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--system", dest="kind", action="store_const", const="system",
                      help="files have a user field")  # fmt: skip
    kind.add_argument("--user", dest="kind", action="store_const", const="user",
                      help="files have no user field")  # fmt: skip
    p.add_argument("--fix", action="store_true", help="fix CRLF and a missing final newline")
    p.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    p.add_argument("--list-rules", action="store_true", help="list every rule and exit")
    p.add_argument("--explain", metavar="CODE", help="explain one rule and exit")
    p.add_argument("--version", action="version", version=f"cronmigrate {__version__}")
    return p


def _settings(cwd: Path) -> dict[str, Any]:
    """[tool.cronmigrate.lint] from pyproject.toml, else lint: from cronmigrate.yaml."""
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CronmigrateError(f"{pyproject}: {exc}") from None
        section = data.get("tool", {}).get("cronmigrate", {}).get("lint")
        if isinstance(section, dict):
            return section
    if (cwd / "cronmigrate.yaml").is_file():
        from cronmigrate import settings as config

        return dict(config.load(str(cwd / "cronmigrate.yaml")).lint)
    return {}


def _codes(value: Any, where: str) -> tuple[str, ...]:
    """Rule codes or prefixes (CM4, CM404, ALL); an unknown one is a usage error, never a
    silently empty selection."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise _Usage(f"{where}: expected a list of rule codes")
    codes = tuple(i.strip().upper() for i in items if i.strip())
    from cronmigrate.diagnostics.rules import BY_CODE, GROUPS

    for c in codes:
        if (
            c != "ALL"
            and c.lower() not in GROUPS
            and not any(code.startswith(c) for code in BY_CODE)
        ):
            raise _Usage(f"{where}: {c!r} is not a rule code or a prefix of one (see --list-rules)")
    return codes


def fix_file(path: Path, kind: Any = None) -> int:
    """CRLF → LF, a final newline, and ``\\%`` for a ``%`` that cuts a command into
    something broken (CM402); returns how many kinds of fix it made.

    Written in place, through a symbolic link to its target, as editors write a file they
    do not own: the inode stays, so do its owner, group, mode, hard links and ACLs. The file
    is short; if the write fails the old content is put back."""
    from cronmigrate.crontab.parse import decide_kind, parse_crontab
    from cronmigrate.lint.checks import fix_percents

    real = Path(os.path.realpath(path))
    data = real.read_bytes()
    fixed = data.replace(b"\r\n", b"\n")
    if fixed and not fixed.endswith(b"\n"):
        fixed += b"\n"
    text = fixed.decode("utf-8", "surrogateescape")
    tab_kind, _ = decide_kind(str(path), text, kind)
    text, percents = fix_percents(parse_crontab(text, str(path), tab_kind))
    fixed = text.encode("utf-8", "surrogateescape")
    if fixed == data:
        return 0
    with open(real, "r+b") as fh:
        try:
            fh.write(fixed)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
        except OSError:
            fh.seek(0)
            fh.write(data)
            fh.truncate()
            raise
    return int(b"\r\n" in data) + int(bool(data) and not data.endswith(b"\n")) + percents


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    from cronmigrate.diagnostics.rules import RULES, explain
    from cronmigrate.lint import output

    if args.list_rules:
        for r in RULES:
            fix = " [fix]" if r.fixable else ""
            print(f"{r.code}  {r.name:<28} {r.severity!s:<8} {r.group:<9} {r.summary}{fix}")
        return 0
    if args.explain:
        text = explain(args.explain)
        if text is None:
            raise _Usage(f"--explain: no rule {args.explain!r} (see --list-rules)")
        print(text, end="")
        return 0
    if not args.files:
        parser().error("no files to lint")
    from cronmigrate.crontab.read import missing_input

    if args.files.count("-") > 1:
        raise _Usage("'-' (standard input) can be given once")
    for f in args.files:
        why = missing_input(f)
        if why:
            raise _Usage(f"{f}: {why}")
    conf = _settings(Path.cwd())
    from cronmigrate.crontab.model import CrontabKind
    from cronmigrate.lint.engine import LintOptions, lint

    fail_on = args.fail_on or conf.get("fail-on", conf.get("fail_on", "warning"))
    if fail_on not in SEVERITIES:
        raise CronmigrateError(f"lint settings: fail-on must be one of {', '.join(SEVERITIES)}")
    kind = {"system": CrontabKind.SYSTEM, "user": CrontabKind.USER}.get(args.kind or "")
    opts = LintOptions(
        select=_codes(args.select, "--select") or _codes(conf.get("select"), "lint.select"),
        ignore=_codes(args.ignore, "--ignore") + _codes(conf.get("ignore"), "lint.ignore"),
        extend_select=_codes(args.extend_select, "--extend-select")
        + _codes(conf.get("extend-select", conf.get("extend_select")), "lint.extend-select"),
        fail_on=SEVERITIES[fail_on],
        show_info=bool(args.show_info if args.show_info is not None else conf.get("show-info")),
        timezone=args.timezone or conf.get("timezone", "UTC"),
        forced_kind=kind,
        root=Path(args.root) if args.root else None,
    )
    if opts.root is not None and not opts.root.is_dir():
        raise _Usage(f"--root {args.root}: no such directory")
    fixed = 0
    if args.fix:
        from cronmigrate.crontab.read import crontab_files

        for path in crontab_files(args.files):  # what is linted, and nothing else
            try:
                fixed += fix_file(path, kind)
            except OSError as exc:
                raise CronmigrateError(f"{path}: cannot fix: {exc.strerror or exc}") from None
    stdin_text = None
    if "-" in args.files:
        stdin_text = sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape")
    result = lint(args.files, opts, stdin_text)
    fmt = args.format or conf.get("format", "text")
    if fmt == "json":
        out = output.as_json(result.findings)
    elif fmt == "sarif":
        out = output.sarif(result.findings)
    elif fmt == "github":
        out = output.github(result.findings)
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        out = output.text(result.findings, len(result.files), color)
    sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape"))
    if fixed:
        sys.stderr.write(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.\n")
    return 1 if result.failed(opts.fail_on) else 0


class _Usage(CronmigrateError):
    exit_code = 2


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    return run_guarded(lambda: run(args), debug="--debug" in args)
