"""``cronmigrate status OUTDIR``: is the deployment in the account as generated, and did every
job run when its schedule said? (:mod:`cronmigrate.account`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from cronmigrate import jobindex
from cronmigrate.account.compare import Report, compare
from cronmigrate.account.read import Clients, read
from cronmigrate.commands.inputs import moment
from cronmigrate.errors import UsageError

_SINCE = re.compile(r"^(\d+)([mhd])$")


def window(since: str, now: dt.datetime) -> dt.datetime:
    """``--since``: ``30m``, ``24h``, ``7d``, or an ISO 8601 instant."""
    m = _SINCE.match(since)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        return now - dt.timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: n})
    try:
        at = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--since {since!r}: give 30m, 24h, 7d or an ISO 8601 time") from None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def status(
    outdir: Path,
    since: str = "24h",
    now: str | None = None,
    tick: Callable[[], None] | None = None,
    clients: Clients | None = None,
) -> Report:
    doc = jobindex.read(outdir)
    if any("deployed" not in j for j in jobindex.jobs(doc)):
        raise jobindex.NoIndexError(
            f"{outdir}: written by an older cronmigrate (no deployed resources in "
            f"{jobindex.INDEX}): generate it again"
        )
    at = moment(now)
    start = window(since, at)
    snap = read(doc, start, clients, tick)
    return compare(doc, snap, start, at)


def expected_calls(outdir: Path) -> int:
    """How many single-resource reads `status` makes (the progress bar's length)."""
    doc = jobindex.read(outdir)
    return sum(
        len((j.get("deployed") or {}).get("triggers", []))
        + (1 if (j.get("deployed") or {}).get("state_machine") else 0)
        for j in jobindex.jobs(doc)
    )
