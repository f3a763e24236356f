"""``cronmigrate lint``'s command line: argparse, not typer, and nothing imported before it is
needed (it runs in every commit); the work is :mod:`cronmigrate.commands.lint`'s.

Settings come from ``[tool.cronmigrate.lint]`` in ./pyproject.toml or ``lint:`` in
./cronmigrate.yaml; options on the command line win.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from cronmigrate import __version__
from cronmigrate.errors import CronmigrateError, run_guarded

FORMATS = ("text", "json", "sarif", "github")  # as commands/lint.py takes them
SEVERITIES = ("error", "warning", "info")


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


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    from cronmigrate.diagnostics.rules import RULES, explain

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
    from cronmigrate.commands.lint import Request, lint
    from cronmigrate.lint import output

    request = Request(
        tuple(args.files),
        args.select,
        args.extend_select,
        args.ignore,
        args.fail_on,
        args.show_info,
        args.timezone,
        args.root,
        args.kind,
        args.fix,
        args.format,
    )
    linted = lint(request, Path.cwd(), sys.stdin.buffer if "-" in args.files else None)
    findings = linted.result.findings
    if linted.format == "json":
        out = output.as_json(findings)
    elif linted.format == "sarif":
        out = output.sarif(findings)
    elif linted.format == "github":
        out = output.github(findings)
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        out = output.text(findings, len(linted.result.files), color)
    sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape"))
    if linted.fixed:
        sys.stderr.write(f"Fixed {linted.fixed} problem{'s' if linted.fixed != 1 else ''}.\n")
    return linted.exit_code


class _Usage(CronmigrateError):
    exit_code = 2


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    return run_guarded(lambda: run(args), debug="--debug" in args)
