"""What every command checks of its inputs before any work: the crontab paths, standard input
given once, ``--root``, instants on the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from cronmigrate.crontab.read import missing_input
from cronmigrate.errors import UsageError


def check_crontabs(paths: Sequence[str]) -> None:
    """Each path exists (``-`` is standard input, once): a usage error otherwise."""
    if list(paths).count("-") > 1:
        raise UsageError("'-' (standard input) can be given once")
    for path in paths:
        why = missing_input(path)
        if why:
            raise UsageError(f"{path}: {why}")


def check_root(root: Path | None, option: str = "--root") -> None:
    if root is not None and not root.is_dir():
        raise UsageError(f"{option} {root}: no such directory")


def stdin_text(paths: Sequence[str], stdin: BinaryIO | None) -> str | None:
    """Standard input as text (undecodable bytes kept as surrogate escapes), when ``-`` is
    among the paths."""
    if "-" not in paths or stdin is None:
        return None
    return stdin.read().decode("utf-8", errors="surrogateescape")


def moment(text: str | None, option: str = "--now") -> dt.datetime:
    """An ISO 8601 instant from the command line (UTC when it has no offset); now if None."""
    if text is None:
        return dt.datetime.now(dt.UTC)
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not an ISO 8601 date and time") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
