"""The command line: parse options, make one core call, print, choose the exit code.

Exit codes (all commands): 0 success; 1 findings (a job refused, a line malformed);
2 usage error (bad option, missing file, unknown time zone); 3 internal error.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from typer import TyperException  # click's ClickException, which typer vendors

from cronmigrate import __version__
from cronmigrate.errors import CronmigrateError
from cronmigrate.model import CrontabKind, Target

app = typer.Typer(
    name="cronmigrate",
    help="Move cron jobs off servers and onto AWS Lambda, with every schedule proven equal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(enum.StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class TargetChoice(enum.StrEnum):
    scheduler = "scheduler"
    rules = "rules"


def _version(value: bool) -> None:
    if value:
        print(f"cronmigrate {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """cronmigrate: read crontabs, translate every schedule to EventBridge, prove it."""


def _fail(message: str, code: int) -> NoReturn:
    color = sys.stderr.isatty() and "NO_COLOR" not in os.environ
    prefix = "\x1b[31merror:\x1b[0m" if color else "error:"
    print(f"{prefix} {message}", file=sys.stderr)
    raise typer.Exit(code)


def _parse_now(now: str | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(now)
    except ValueError:
        _fail(f"--now: {now!r} is not an ISO 8601 date and time", 2)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  cronmigrate plan /etc/crontab /etc/cron.d\n\n"
        "  crontab -l | cronmigrate plan - --timezone Europe/Berlin\n\n"
        "  cronmigrate plan crontab --target rules --allow-drift --format json\n\n"
        "Exit codes: 0 every job migratable, 1 a job refused or a line malformed, 2 usage error."
    )
)
def plan(
    crontabs: Annotated[
        list[str],
        typer.Argument(
            help="Crontab files or directories (like cron.d); '-' reads standard input.",
            show_default=False,
        ),
    ],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    timezone: Annotated[
        str,
        typer.Option(
            "--timezone",
            "-z",
            help="The servers' time zone (IANA name). A CRON_TZ or TZ line "
            "in a crontab wins for the entries after it.",
        ),
    ] = "UTC",
    target: Annotated[
        TargetChoice,
        typer.Option(
            help="scheduler: EventBridge Scheduler, which takes the time zone; rules: classic "
            "EventBridge rules, which run in UTC."
        ),
    ] = TargetChoice.scheduler,
    allow_drift: Annotated[
        bool,
        typer.Option(
            "--allow-drift",
            help="With --target rules: accept a schedule that runs an hour "
            "off during daylight saving time, and say so.",
        ),
    ] = False,
    system: Annotated[
        bool | None,
        typer.Option(
            "--system/--user",
            help="Force the crontab format: with a user field "
            "(/etc/crontab, cron.d) or without. Default: from the file's location.",
            show_default=False,
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            help="Compute next runs from this instant (ISO 8601), for reproducible reports.",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Dry run: show how every job would be scheduled on EventBridge, and prove it."""
    from cronmigrate.plan import PlanOptions, build_plan, exit_code

    for path in crontabs:
        if path != "-" and not Path(path).exists():
            _fail(f"{path}: no such file or directory", 2)
    forced = None if system is None else (CrontabKind.SYSTEM if system else CrontabKind.USER)
    options = PlanOptions(timezone, Target(target.value), allow_drift, forced, _parse_now(now))
    stdin_text = None
    if "-" in crontabs:
        stdin_text = sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape")
    try:
        result = build_plan(crontabs, options, stdin_text)
        _print_plan(result, fmt)
    except CronmigrateError as exc:
        _fail(str(exc), exc.exit_code)
    except BrokenPipeError:  # `cronmigrate plan … | head`
        sys.stderr.close()
        raise typer.Exit(exit_code(result)) from None
    except Exception as exc:  # the one boundary that turns a bug into an exit code
        if debug:
            raise
        _fail(f"internal error: {exc.__class__.__name__}: {exc} (rerun with --debug)", 3)
    raise typer.Exit(exit_code(result))


def _write(text: str) -> None:
    """Write text whose undecodable input bytes (surrogate escapes) go out unchanged."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", errors="surrogateescape"))
    sys.stdout.buffer.flush()


def _print_plan(result: object, fmt: Format) -> None:
    from cronmigrate import report
    from cronmigrate.model import Plan

    assert isinstance(result, Plan)
    if fmt is Format.json:
        _write(report.to_json(result))
    elif fmt is Format.markdown:
        _write(report.to_markdown(result))
    elif sys.stdout.isatty():
        from rich.console import Console

        from cronmigrate.console import print_plan

        print_plan(result, Console())
    else:
        _write(report.to_text(result))


def main() -> None:
    """Entry point: usage errors become one line on stderr and exit 2; no tracebacks."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.Abort:
        code = 130
    except TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # plain `cronmigrate`: show help
            print(exc.format_message())
            sys.exit(exc.exit_code)
        ctx = getattr(exc, "ctx", None)
        where = f"{ctx.command_path}: " if ctx is not None else ""
        print(f"error: {where}{exc.format_message()}", file=sys.stderr)
        code = exc.exit_code
    sys.exit(code if isinstance(code, int) else 0)
