"""``cronmigrate lint``: settings from ./pyproject.toml or ./cronmigrate.yaml, the options the
command line gives over them, ``--fix``, and the lint itself. Imports only what linting
needs (no typer, rich, jinja2; ruamel.yaml only when there is a cronmigrate.yaml to read),
because it runs in every commit."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from cronmigrate import settings as config
from cronmigrate.commands.inputs import check_crontabs, check_root, stdin_text
from cronmigrate.crontab.model import CrontabKind
from cronmigrate.crontab.parse import decide_kind, parse_crontab
from cronmigrate.crontab.read import crontab_files
from cronmigrate.diagnostics import Severity
from cronmigrate.diagnostics.rules import BY_CODE, GROUPS
from cronmigrate.errors import CronmigrateError, UsageError
from cronmigrate.lint.checks import fix_percents
from cronmigrate.lint.engine import LintOptions, LintResult
from cronmigrate.lint.engine import lint as lint_files

FORMATS = ("text", "json", "sarif", "github")
SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


class Request(NamedTuple):
    """What the command line says; None: the settings' value, else the default."""

    files: tuple[str, ...]
    select: str | None = None
    extend_select: str | None = None
    ignore: str | None = None
    fail_on: str | None = None
    show_info: bool | None = None
    timezone: str | None = None
    root: str | None = None
    kind: str | None = None  # system or user
    fix: bool = False
    format: str | None = None


class Linted(NamedTuple):
    result: LintResult
    fixed: int  # problems --fix fixed
    format: str
    fail_on: Severity

    @property
    def exit_code(self) -> int:
        return 1 if self.result.failed(self.fail_on) else 0


def lint(request: Request, cwd: Path, stdin: BinaryIO | None = None) -> Linted:
    files = list(request.files)
    check_crontabs(files)
    conf = settings(cwd)
    fail_on = request.fail_on or conf.get("fail-on", conf.get("fail_on", "warning"))
    if fail_on not in SEVERITIES:
        raise CronmigrateError(f"lint settings: fail-on must be one of {', '.join(SEVERITIES)}")
    kind = {"system": CrontabKind.SYSTEM, "user": CrontabKind.USER}.get(request.kind or "")
    show_info = request.show_info if request.show_info is not None else conf.get("show-info")
    opts = LintOptions(
        select=codes(request.select, "--select") or codes(conf.get("select"), "lint.select"),
        ignore=codes(request.ignore, "--ignore") + codes(conf.get("ignore"), "lint.ignore"),
        extend_select=codes(request.extend_select, "--extend-select")
        + codes(conf.get("extend-select", conf.get("extend_select")), "lint.extend-select"),
        fail_on=SEVERITIES[fail_on],
        show_info=bool(show_info),
        timezone=request.timezone or conf.get("timezone", "UTC"),
        forced_kind=kind,
        root=Path(request.root) if request.root else None,
    )
    check_root(opts.root)
    fixed = 0
    if request.fix:
        for path in crontab_files(files):  # what is linted, and nothing else
            try:
                fixed += fix_file(path, kind)
            except OSError as exc:
                raise CronmigrateError(f"{path}: cannot fix: {exc.strerror or exc}") from None
    result = lint_files(files, opts, stdin_text(files, stdin))
    fmt = request.format or conf.get("format", "text")
    if fmt not in FORMATS:
        raise UsageError(f"lint settings: format must be one of {', '.join(FORMATS)}")
    return Linted(result, fixed, fmt, opts.fail_on)


def settings(cwd: Path) -> dict[str, Any]:
    """[tool.cronmigrate.lint] from pyproject.toml, else lint: from cronmigrate.yaml."""
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CronmigrateError(f"{pyproject}: {exc}") from None
        section = data.get("tool", {}).get("cronmigrate", {}).get("lint")
        if isinstance(section, dict):
            return section
    if (cwd / "cronmigrate.yaml").is_file():
        return dict(config.load(str(cwd / "cronmigrate.yaml")).lint)
    return {}


def codes(value: Any, where: str) -> tuple[str, ...]:
    """Rule codes or prefixes (CM4, CM404, ALL); an unknown one is a usage error, never a
    silently empty selection."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise UsageError(f"{where}: expected a list of rule codes")
    found = tuple(i.strip().upper() for i in items if i.strip())
    for c in found:
        if (
            c != "ALL"
            and c.lower() not in GROUPS
            and not any(code.startswith(c) for code in BY_CODE)
        ):
            raise UsageError(
                f"{where}: {c!r} is not a rule code or a prefix of one (see --list-rules)"
            )
    return found


def fix_file(path: Path, kind: CrontabKind | None = None) -> int:
    """CRLF → LF, a final newline, and ``\\%`` for a ``%`` that cuts a command into
    something broken (CM402); returns how many kinds of fix it made.

    Written in place, through a symbolic link to its target, as editors write a file they
    do not own: the inode stays, so do its owner, group, mode, hard links and ACLs. The file
    is short; if the write fails the old content is put back."""
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
