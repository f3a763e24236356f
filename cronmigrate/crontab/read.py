"""Paths → crontabs: files, ``cron.d``-style directories (run-parts names), standard input."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import NamedTuple

from cronmigrate.crontab.lexical import (
    CRON_D_NAME,
)
from cronmigrate.crontab.model import Crontab, CrontabKind
from cronmigrate.crontab.parse import decide_kind, location_kind, parse_crontab
from cronmigrate.diagnostics import Diagnostic, SourceLocation, rules


class Source(NamedTuple):
    path: str
    text: str
    owner: str | None  # the user a spool crontab belongs to (its file name)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def collect_sources(
    paths: list[str], stdin_text: str | None = None
) -> tuple[list[Source], list[Diagnostic]]:
    """Expand files and directories (as cron reads cron.d: flat, run-parts names)."""
    sources: list[Source] = []
    diags: list[Diagnostic] = []
    for arg in paths:
        if arg == "-":
            sources.append(Source("<stdin>", stdin_text or "", None))
            continue
        p = Path(arg)
        if p.is_dir():
            for child in sorted(p.iterdir(), key=lambda c: c.name):
                if not child.is_file():
                    continue
                if not CRON_D_NAME.match(child.name):
                    diags.append(
                        rules.SKIPPED_FILE.at(
                            f"skipped {child.name!r}: cron ignores files in a cron directory "
                            "whose names are not letters, digits, '-' and '_'",
                            SourceLocation(str(child), 0),
                        )
                    )
                    continue
                sources.extend(_read(child, diags))
        else:
            sources.extend(_read(p, diags))
    return sources, diags


def missing_input(arg: str) -> str | None:
    """Why a path given on the command line cannot be read as an input, or None (it is
    there, or reading it will say what is wrong: a permission, say)."""
    if arg == "-":
        return None
    try:
        os.stat(arg)
    except FileNotFoundError:
        return "dangling symbolic link" if os.path.islink(arg) else "no such file or directory"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a loop of symbolic links"
        if exc.errno == errno.ENOTDIR:
            return "no such file or directory"
    return None


def crontab_files(paths: list[str]) -> list[Path]:
    """The files ``collect_sources`` reads for these paths (not standard input): what lint
    may fix, and nothing else."""
    out: list[Path] = []
    for arg in paths:
        if arg == "-":
            continue
        p = Path(arg)
        if p.is_dir():
            out.extend(
                child
                for child in sorted(p.iterdir(), key=lambda c: c.name)
                if child.is_file() and CRON_D_NAME.match(child.name)
            )
        elif p.is_file():
            out.append(p)
    return out


def _read(p: Path, diags: list[Diagnostic]) -> list[Source]:
    try:
        data = p.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        diags.append(rules.UNREADABLE.at(f"cannot read: {reason}", SourceLocation(str(p), 0)))
        return []
    owner = p.name if location_kind(str(p)) == (CrontabKind.USER, True) else None
    return [Source(str(p), _decode(data), owner)]


def read_crontabs(
    paths: list[str], forced: CrontabKind | None = None, stdin_text: str | None = None
) -> tuple[list[Crontab], list[Diagnostic]]:
    sources, diags = collect_sources(paths, stdin_text)
    tabs: list[Crontab] = []
    for src in sources:
        kind, note = decide_kind(src.path, src.text, forced)
        if note is not None:
            diags.append(note)
        tabs.append(parse_crontab(src.text, src.path, kind, src.owner))
    return tabs, diags
