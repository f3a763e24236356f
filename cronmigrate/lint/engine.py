"""Lint: parser findings + the plan's migration findings + lint's own checks, filtered.

The parser and the plan are the same code ``cronmigrate plan`` runs, so lint and plan
never disagree about a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from cronmigrate.crontab.model import Crontab, CrontabKind
from cronmigrate.crontab.read import read_crontabs
from cronmigrate.diagnostics import Diagnostic, Severity, SourceLocation
from cronmigrate.diagnostics.rules import BY_CODE, GROUPS
from cronmigrate.errors import UsageError
from cronmigrate.lint import checks
from cronmigrate.plan.build import PlanOptions, plan_crontabs
from cronmigrate.schedule import timezones

_DIRECTIVE = re.compile(r"#\s*cronmigrate:\s*(disable|disable-file)\s*=\s*([A-Za-z0-9_, ]+)")


class LintOptions(NamedTuple):
    # Codes, code prefixes, group names (mistakes, migration) or ALL; empty: the default,
    # the "mistakes" group (the ruff way: a small default, the rest opt-in).
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fail_on: Severity = Severity.WARNING
    show_info: bool = False
    timezone: str = "UTC"
    forced_kind: CrontabKind | None = None
    root: Path | None = None


class LintResult(NamedTuple):
    findings: tuple[Diagnostic, ...]
    files: tuple[str, ...]

    def failed(self, fail_on: Severity) -> bool:
        return any(f.severity >= fail_on for f in self.findings)


def _suppressions(tab: Crontab) -> tuple[dict[int, set[str]], set[str]]:
    by_line: dict[int, set[str]] = {}
    whole: set[str] = set()
    for number, line in enumerate(tab.text.split("\n"), start=1):
        stripped = line.lstrip(" \t")
        if not stripped.startswith("#") or "cronmigrate:" not in stripped:
            continue
        m = _DIRECTIVE.search(stripped)
        if not m:
            continue
        codes = {c.strip().upper() for c in m.group(2).split(",") if c.strip()}
        if m.group(1) == "disable-file":
            whole |= codes
        else:
            by_line.setdefault(number + 1, set()).update(codes)
    return by_line, whole


DEFAULT_SELECT = ("MISTAKES",)


def _matches(code: str, prefixes: Iterable[str]) -> bool:
    for p in prefixes:
        p = p.upper()
        if p == "ALL" or code.startswith(p):
            return True
        if p.lower() in GROUPS and code in BY_CODE and BY_CODE[code].group == p.lower():
            return True
    return False


def _keep(d: Diagnostic, opts: LintOptions) -> bool:
    select = (opts.select or DEFAULT_SELECT) + opts.extend_select
    if not _matches(d.code, select):
        return False
    if _matches(d.code, opts.ignore):
        return False
    return d.severity > Severity.INFO or opts.show_info


def lint(paths: Sequence[str], opts: LintOptions, stdin_text: str | None = None) -> LintResult:
    if not timezones.is_valid(opts.timezone):
        raise UsageError(f"unknown time zone {opts.timezone!r}")
    tabs, diags = read_crontabs(list(paths), opts.forced_kind, stdin_text)
    plan = plan_crontabs(
        tabs, list(diags), PlanOptions(opts.timezone, root=opts.root), next_runs=False
    )
    found: list[Diagnostic] = list(plan.diagnostics)
    for jp in plan.jobs:
        found.extend(jp.translation.reasons)
    found.extend(checks.check(tabs))
    suppress = {tab.path: _suppressions(tab) for tab in tabs}
    kept: dict[tuple[object, ...], Diagnostic] = {}
    for d in found:
        loc = d.location
        if loc.line <= 0:  # file-level: reported at 1:1
            d = d._replace(location=SourceLocation(loc.path, 1, 1))
        elif loc.column <= 0:
            d = d._replace(location=SourceLocation(loc.path, loc.line, 1))
        by_line, whole = suppress.get(d.location.path, ({}, set()))
        codes = whole | by_line.get(d.location.line, set())
        if _matches(d.code, codes) or not _keep(d, opts):
            continue
        kept.setdefault((d.location, d.code, d.message), d)
    ordered = sorted(kept.values(), key=lambda d: (d.location.path, d.location.line,
                                                   d.location.column, d.code))  # fmt: skip
    return LintResult(tuple(ordered), tuple(t.path for t in tabs))
