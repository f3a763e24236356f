"""The command line: parse options, make one core call, print, choose the exit code.

Exit codes (all commands): 0 success; 1 findings (a job refused, a line malformed);
2 usage error (bad option, missing file, unknown time zone); 3 internal error.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO

import typer
from typer import TyperException  # click's ClickException, which typer vendors

from cronmigrate import __version__
from cronmigrate.errors import UsageError, error_line, run_guarded
from cronmigrate.schedule.model import Trigger

if TYPE_CHECKING:
    from cronmigrate.plan.changes import ChangeSet
    from cronmigrate.plan.model import Plan

app = typer.Typer(
    name="cronmigrate",
    help="Move cron jobs off servers and onto AWS Lambda, with every schedule proven equal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},  # as lint takes -h
)


class Format(enum.StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class IacChoice(enum.StrEnum):
    all = "all"
    sam = "sam"
    cloudformation = "cloudformation"
    terraform = "terraform"


class JobTarget(enum.StrEnum):
    lambda_ = "lambda"
    runcommand = "runcommand"


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
    error_line(message)
    raise typer.Exit(code)


Crontabs = Annotated[
    list[str],
    typer.Argument(
        help="Crontab files or directories (like cron.d); '-' reads standard input.",
        show_default=False,
    ),
]
OptionalCrontabs = Annotated[
    list[str] | None,
    typer.Argument(
        help="Crontab files or directories (like cron.d); '-' reads standard input.",
        show_default=False,
    ),
]
Timezone = Annotated[
    str,
    typer.Option(
        "--timezone",
        "-z",
        help="The servers' time zone (IANA name). A CRON_TZ or TZ line "
        "in a crontab wins for the entries after it.",
    ),
]
TargetOpt = Annotated[
    Trigger,
    typer.Option(
        "--target",
        help="scheduler: EventBridge Scheduler, which takes the time zone; rules: classic "
        "EventBridge rules, which run in UTC.",
    ),
]
AllowDrift = Annotated[
    bool,
    typer.Option(
        "--allow-drift",
        help="With --target rules: accept a schedule that runs an hour "
        "off during daylight saving time, and say so.",
    ),
]
System = Annotated[
    bool | None,
    typer.Option(
        "--system/--user",
        help="Force the crontab format: with a user field "
        "(/etc/crontab, cron.d) or without. Default: from the file's location.",
        show_default=False,
    ),
]
Now = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Compute next runs and DST checks from this instant (ISO 8601), for "
        "reproducible output.",
        show_default=False,
    ),
]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]
Root = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="A copy of the server's file system: the scripts jobs run are followed under "
        "it (default: this machine's /, as generate).",
        show_default=False,
    ),
]


def _guarded(debug: bool, action: Callable[[], int]) -> NoReturn:
    raise typer.Exit(run_guarded(action, debug))


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
    crontabs: OptionalCrontabs = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    timezone: Timezone = "UTC",
    target: TargetOpt = Trigger.SCHEDULER,
    allow_drift: AllowDrift = False,
    system: System = None,
    now: Now = None,
    root: Root = None,
    hosts: Annotated[
        list[str] | None,
        typer.Option(
            "--host",
            help="NAME=DIR: a copy of one server (its etc/crontab, etc/cron.d and "
            "var/spool/cron/crontabs are read, DIR is its --root); repeat it to plan several "
            "servers at once and see the jobs they share.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="Settings file (default: ./cronmigrate.yaml if present)."
        ),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="An output directory of `cronmigrate generate`: keep its jobs' names and say "
            "what generating into it would change (nothing is written).",
            show_default=False,
        ),
    ] = None,
    debug: Debug = False,
) -> None:
    """Dry run: show how every job would be scheduled on EventBridge, and prove it."""

    def run() -> int:
        from cronmigrate.commands import plan as command
        from cronmigrate.jobindex import INDEX
        from cronmigrate.plan.build import exit_code
        from cronmigrate.plan.changes import changes
        from cronmigrate.settings import load as load_settings

        inputs = command.Inputs(timezone, target, allow_drift, system, now, root)
        if hosts:
            if crontabs:
                raise UsageError("give either CRONTAB files or --host NAME=DIR, not both")
            result = command.plan_hosts(hosts, inputs)
        else:
            if against is not None and not (against / INDEX).is_file():
                raise UsageError(f"--against {against}: no {INDEX}: not an output of generate")
            settings = load_settings(str(config) if config else None)
            result = command.plan(
                crontabs or [], inputs, sys.stdin.buffer, settings, against=against
            )
        _print_plan(result, fmt)
        if against is not None:
            _print_changes(changes(result.previous, result), against, sys.stdout)
        return exit_code(result)

    _guarded(debug, run)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  cronmigrate generate /etc/crontab /etc/cron.d -o cron-lambda\n\n"
        "  cronmigrate generate crontab --root ./server-copy -z Asia/Tokyo -o out --iac sam\n\n"
        "Exit codes: 0 every job generated, 1 a job not generated (the reason is printed) or "
        "the directory could not be written, 2 usage error."
    )
)
def generate(
    crontabs: Crontabs,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output directory.", show_default=False)
    ],
    iac: Annotated[
        IacChoice,
        typer.Option("--iac", help="Infrastructure as code to write (all = every form)."),
    ] = IacChoice.all,
    root: Annotated[
        Path,
        typer.Option(
            "--root",
            help="A copy of the server's file system: absolute paths in commands are "
            "looked up under it (default: this machine's /).",
        ),
    ] = Path("/"),
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="Settings file (default: ./cronmigrate.yaml if present)."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a directory cronmigrate did not write (its other files are kept).",
        ),
    ] = False,
    target_default: Annotated[
        JobTarget,
        typer.Option(
            "--target-default",
            help="Where jobs run unless cronmigrate.yaml says otherwise: lambda, or runcommand "
            "(EC2 Run Command on their servers).",
        ),
    ] = JobTarget.lambda_,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="The server's name, for several servers deployed into one account: it "
            "goes into every function name's hash and the Terraform lock table's name.",
        ),
    ] = "",
    timezone: Timezone = "UTC",
    target: TargetOpt = Trigger.SCHEDULER,
    allow_drift: AllowDrift = False,
    system: System = None,
    now: Now = None,
    debug: Debug = False,
) -> None:
    """Write a deployable directory: bash runtime layer, one function per job, IAM,
    schedules, as SAM, CloudFormation and Terraform."""

    def run() -> int:
        from cronmigrate.commands.generate import generate as command
        from cronmigrate.commands.plan import Inputs
        from cronmigrate.writer import KEPT_SHOWN

        done = command(
            crontabs,
            output,
            Inputs(timezone, target, allow_drift, system, now, root),
            iac=iac.value,
            config_path=config,
            force=force,
            target_default=target_default.value,
            host=host,
            stdin=sys.stdin.buffer,
        )
        for line in done.notices():
            print(line, file=sys.stderr)
        if done.changes is not None:
            _print_changes(done.changes, output, sys.stdout)
        deployment, written = done.generated.deployment, done.written
        runcommand = sum(1 for j in deployment.jobs if j.runcommand)
        print(
            f"{output}: {len(deployment.jobs) - runcommand} functions, "
            f"{runcommand} Run Command state machines, "
            f"{sum(len(j.schedules) for j in deployment.jobs)} schedules; "
            f"{len(deployment.skipped)} jobs not generated; files: {len(written.created)} new, "
            f"{len(written.changed)} changed, {len(written.unchanged)} unchanged, "
            f"{len(written.removed)} removed"
        )
        if written.kept:
            shown = ", ".join(written.kept[:KEPT_SHOWN])
            more = len(written.kept) - KEPT_SHOWN
            print(
                f"{output}: kept what cronmigrate did not write: {shown}"
                + (f" and {more} more" if more > 0 else "")
            )
        return done.exit_code

    _guarded(debug, run)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def lint(ctx: typer.Context) -> None:
    """Lint crontabs: cron's silent mistakes and migration blockers (see lint --help)."""
    from cronmigrate.cli.lint import main as lint_main

    raise typer.Exit(lint_main(list(ctx.args)))


@app.command("run")
def run_job(
    outdir: Annotated[Path, typer.Argument(help="A directory written by `cronmigrate generate`.")],
    job: Annotated[
        str,
        typer.Argument(
            help="The job: its function name, its directory under functions/, or its crontab "
            "line FILE:LINE (the path on the server or as given to generate)."
        ),
    ],
    time_: Annotated[
        str | None,
        typer.Option("--time", help="The scheduled time the event says (ISO 8601; default now)."),
    ] = None,
    use_aws: Annotated[
        bool,
        typer.Option(
            "--aws",
            help="Use the account: the duplicate guard, SSM, mail (AWS_* variables, and "
            "CRONMIGRATE_LOCK_TABLE and CRONMIGRATE_MAIL_TOPIC for what the deployment fills in).",
        ),
    ] = False,
    local: Annotated[
        bool, typer.Option("--local", help="Run a Run Command job's script here with bash.")
    ] = False,
    timeout: Annotated[
        int | None,
        typer.Option("--timeout", min=1, max=900, help="Seconds (default: the function's)."),
    ] = None,
    debug: Debug = False,
) -> None:
    """Run one generated job on this machine as Lambda would: its zip, the bash runtime, the
    event its schedule sends, its timeout. No Docker, no AWS account."""

    def run() -> int:
        from cronmigrate.commands.run import run as command

        ran = command(outdir, job, time_, use_aws, local, timeout)
        sys.stdout.flush()
        result = ran.result
        what = result.message if result.ok else f"{result.error_type}: {result.message}"
        print(
            f"{ran.job['function']}: {'ok' if result.ok else 'failed'} ({what}) in "
            f"{result.seconds:.2f} s; exit {result.exit_code}",
            file=sys.stderr,
        )
        return 0 if result.ok else 1

    _guarded(debug, run)


class StatusFormat(enum.StrEnum):
    text = "text"
    json = "json"


@app.command(
    "status",
    epilog=(
        "Reads the account with the standard AWS variables (AWS_PROFILE, AWS_REGION, "
        "AWS_ENDPOINT_URL).\n\n"
        "Exit codes: 0 every job deployed as generated, nothing missed or failed in the "
        "window; 1 otherwise; 2 usage or access error."
    ),
)
def status_cmd(
    outdir: Annotated[Path, typer.Argument(help="A directory written by `cronmigrate generate`.")],
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="Output format.")
    ] = StatusFormat.text,
    since: Annotated[
        str, typer.Option("--since", help="The window runs are checked in: 30m, 24h, 7d or a time.")
    ] = "24h",
    now: Annotated[
        str | None,
        typer.Option(
            "--now", help="Check the window ending at this instant (ISO 8601) instead of now."
        ),
    ] = None,
    debug: Debug = False,
) -> None:
    """Is every job of OUTDIR in the account as generated, and did each run when its schedule
    said? Functions, schedules, rules, state machines; the duplicate guard's claims."""

    def run() -> int:
        from cronmigrate.commands.status import expected_calls, status

        tty = sys.stderr.isatty() and fmt is StatusFormat.text
        if tty:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("reading the account", total=expected_calls(outdir))
                report = status(outdir, since, now, lambda: bar.advance(task))
        else:
            report = status(outdir, since, now)
        if fmt is StatusFormat.json:
            print(json.dumps(report.to_json(), indent=2))
        elif sys.stdout.isatty():
            from rich.console import Console

            from cronmigrate.cli.status_view import table

            table(report, Console())
        else:
            from cronmigrate.cli.status_view import lines

            print("\n".join(lines(report)))
        return 0 if report.ok else 1

    _guarded(debug, run)


@app.command("cutover")
def cutover_cmd(
    crontabs: Annotated[list[str], typer.Argument(help="The crontab files generate read.")],
    out: Annotated[Path, typer.Option("--out", help="The directory generate wrote.")],
    undo: Annotated[
        bool,
        typer.Option(
            "--undo",
            help="Disable the jobs' schedules, then restore the lines cutover commented out.",
        ),
    ] = False,
    enable: Annotated[
        bool,
        typer.Option(
            "--enable",
            help="Also switch each job's schedules on, right after its line is commented out "
            "(a job cron runs within a minute first runs under cron).",
        ),
    ] = False,
    no_check: Annotated[
        bool,
        typer.Option(
            "--no-check",
            help="Do not read the account first (nor touch it): switch every job of OUT.",
        ),
    ] = False,
    warn_minutes: Annotated[
        int, typer.Option("--warn-minutes", min=0, help="Warn when a job runs this soon.")
    ] = 5,
    root: Annotated[
        Path,
        typer.Option(
            "--root",
            help="Where the server's files are here: the output names crontabs by their "
            "paths on the server (default: this machine is the server).",
        ),
    ] = Path("/"),
    now: Now = None,
    debug: Debug = False,
) -> None:
    """Switch the jobs OUT deployed off cron: comment each line out with a marker naming its
    function (--undo restores them byte for byte). The account is read first: a job whose
    schedule is not there as generated keeps its line. --enable switches the schedules on."""

    def run() -> int:
        from cronmigrate.commands.cutover import switch

        if enable and no_check:
            raise UsageError("--enable switches schedules in the account: drop --no-check")
        done = switch(
            crontabs, out, undo, now, warn_minutes, root, check=not no_check, enable=enable
        )
        if not done.checked:
            print(
                "warning: --no-check: the account was not read; a job whose schedule is not "
                "deployed stops running",
                file=sys.stderr,
            )
        if undo:
            for name in done.states:
                print(f"disabled {name}")
            print(f"restored {len(done.switched)} lines in {', '.join(crontabs)}")
            return 0
        for h in done.held:
            print(f"{h.function}: not switched: {h.reason}", file=sys.stderr)
        for job in done.switched:
            cron = job.under_cron.isoformat() if job.under_cron else "-"
            aws = job.under_aws.isoformat() if job.under_aws else "-"
            same = "the same" if job.under_cron == job.under_aws else "DIFFERENT"
            print(
                f"{job.source}: now {job.function}; next run under cron {cron}, "
                f"under EventBridge {aws} ({same})"
            )
            if job.soon and not enable:
                print(
                    f"warning: {job.function} runs within {warn_minutes} minutes: make sure its "
                    "schedule is enabled before then, or it misses that run",
                    file=sys.stderr,
                )
        for name in done.states:
            print(f"enabled {name}")
        print(
            f"{len(done.switched)} jobs switched over, {len(done.held)} kept on cron; "
            "`cronmigrate cutover --undo` restores them"
        )
        return 1 if done.held else 0

    _guarded(debug, run)


@app.command("init-config")
def init_config(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write it.")] = Path(
        "cronmigrate.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented cronmigrate.yaml with every setting and its default."""

    def run() -> int:
        from cronmigrate.commands.init_config import init_config as command

        command(output, force)
        print(f"wrote {output}")
        return 0

    _guarded(False, run)


def _print_changes(changed: ChangeSet, outdir: Path, out: TextIO) -> None:
    """What generating into ``outdir`` changes (or changed): one line per job, then counts."""
    for line in changed.lines():
        print(line, file=out)
    print(f"{outdir}: changes: {changed.summary()}", file=out)


def _write(text: str) -> None:
    """Write text whose undecodable input bytes (surrogate escapes) go out unchanged."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", errors="surrogateescape"))
    sys.stdout.buffer.flush()


def _print_plan(result: Plan, fmt: Format) -> None:
    from cronmigrate.plan import report

    if fmt is Format.json:
        _write(report.to_json(result))
    elif fmt is Format.markdown:
        _write(report.to_markdown(result))
    elif sys.stdout.isatty():
        from rich.console import Console

        from cronmigrate.cli.console import print_plan

        print_plan(result, Console())
    else:
        for part in report.iter_text(result):  # as it is made: a 10,000-job plan streams
            _write(part)


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
