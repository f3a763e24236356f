"""``cronmigrate cutover CRONTAB… --out DIR``: switch the jobs a deployment migrated off cron.

Each line the deployment in DIR was generated from is commented out with
``#cronmigrate:<function>:`` before it, byte for byte (:mod:`cronmigrate.crontab.marker`);
every other line stays as it is. A crontab that changed since ``generate`` is refused (its
hash is in DIR's ``cronmigrate-jobs.json``). ``undo`` restores the marked lines exactly. Files
are written atomically (a temporary file renamed over the target, through links), keeping
their mode and owner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cronmigrate import jobindex
from cronmigrate.commands.inputs import moment
from cronmigrate.crontab.marker import mark, unmark
from cronmigrate.crontab.parse import decide_kind, parse_crontab
from cronmigrate.errors import CronmigrateError
from cronmigrate.plan.build import upcoming_runs
from cronmigrate.plan.identity import server_path
from cronmigrate.schedule.model import EventBridgeSchedule
from cronmigrate.schedule.timezones import get_zone
from cronmigrate.schedule.unix import CronSchedule, matches


class CutoverError(CronmigrateError):
    exit_code = 1


class Switched(NamedTuple):
    function: str
    source: str  # crontab:line
    schedules: tuple[tuple[str, str], ...]  # (expression, zone): where it runs now
    cron: CronSchedule | None = None  # the line's schedule, for its next run under cron
    zone: str = "UTC"  # the zone cron ran it in
    under_cron: dt.datetime | None = None  # its next run under cron, from its own fields
    under_aws: dt.datetime | None = None  # its next run under EventBridge
    soon: bool = False  # EventBridge runs it within the warning's minutes


def switch(
    crontabs: Sequence[str],
    outdir: Path,
    undo: bool = False,
    now: str | None = None,
    warn_minutes: int = 5,
    root: Path = Path("/"),
) -> list[Switched]:
    """``cronmigrate cutover``: the jobs switched over, each with its next run under cron and
    under EventBridge (``soon`` when that is within ``warn_minutes``); nothing for ``undo``."""
    when = moment(now)
    done = []
    for job in cutover(list(crontabs), outdir, undo, root):
        under_cron = cron_next_run(job.cron, job.zone, when)
        under_aws = next_run(job.schedules, when)
        soon = under_aws is not None and under_aws - when <= dt.timedelta(minutes=warn_minutes)
        done.append(job._replace(under_cron=under_cron, under_aws=under_aws, soon=soon))
    return done


def _write_keeping(path: Path, data: bytes) -> None:
    """Atomically replace ``path``'s target with ``data``, keeping its mode and owner."""
    real = Path(os.path.realpath(path))
    st = real.stat()
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.cronmigrate-", dir=real.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
            os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, real)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CutoverError(f"{path}: cannot write: {exc.strerror or exc}") from None


def cutover(
    crontabs: list[str], outdir: Path, undo: bool = False, root: Path = Path("/")
) -> list[Switched]:
    """Comment out (or, ``undo``, restore) the lines of the jobs ``outdir`` holds. The index
    names crontabs by their paths on the server: ``root`` is where the server's files are
    here (``/`` on the server itself, a copy elsewhere)."""
    doc = jobindex.read(outdir)
    hashes: dict[str, str] = doc.get("crontabs", {})
    jobs: list[dict[str, Any]] = doc.get("jobs", [])
    done: list[Switched] = []
    for given in crontabs:
        path = Path(given)
        known = server_path(given, root)
        if known not in hashes:
            raise CutoverError(
                f"{given}: {outdir} was not generated from it (it holds "
                f"{', '.join(sorted(hashes)) or 'no crontab'}; --root says where the server's "
                "files are here)"
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CutoverError(f"{given}: cannot read: {exc.strerror or exc}") from None
        text = data.decode("utf-8", "surrogateescape")
        lines = text.split("\n")
        if undo:
            restored = 0
            for i, line in enumerate(lines):
                marked = unmark(line)
                if marked is not None:
                    lines[i] = marked[1]
                    restored += 1
            if restored:
                _write_keeping(path, "\n".join(lines).encode("utf-8", "surrogateescape"))
            continue
        if hashlib.sha256(data).hexdigest() != hashes[known]:
            raise CutoverError(
                f"{given}: changed since {outdir} was generated: generate again, deploy, then "
                "cut over (nothing was changed)"
            )
        kind, _ = decide_kind(given, text, None)
        parsed = {j.location.line: j for j in parse_crontab(text, given, kind).jobs}
        for job in jobs:
            if job["crontab"] != known:
                continue
            i = job["line"] - 1
            if i >= len(lines) or unmark(lines[i]) is not None:
                continue
            lines[i] = mark(job["function"], lines[i])
            line_job = parsed.get(job["line"])
            zones = [s["timezone"] for s in job["schedules"]] or ["UTC"]
            done.append(
                Switched(
                    job["function"],
                    f"{given}:{job['line']}",
                    tuple((s["expression"], s["timezone"]) for s in job["schedules"]),
                    line_job.schedule if line_job is not None else None,
                    (line_job.timezone if line_job is not None else None) or zones[0],
                )
            )
        _write_keeping(path, "\n".join(lines).encode("utf-8", "surrogateescape"))
    return done


def next_run(schedules: tuple[tuple[str, str], ...], now: dt.datetime) -> dt.datetime | None:
    """The next instant one of the EventBridge schedules fires (the cron line's, proven)."""
    if not schedules:
        return None
    runs = upcoming_runs(tuple(EventBridgeSchedule(e, z) for e, z in schedules), now, 1)
    return dt.datetime.fromisoformat(runs[0]) if runs else None


def cron_next_run(schedule: CronSchedule | None, zone: str, now: dt.datetime) -> dt.datetime | None:
    """The next minute the cron line itself fires (its fields, in its zone, as cron.c matches
    them), found day by day: computed apart from the EventBridge form, so the two can be
    compared."""
    if schedule is None:
        return None
    tz = get_zone(zone)
    local = now.astimezone(tz)
    times = sorted((h, m) for h in schedule.hours for m in schedule.minutes)
    day = local.date()
    for _ in range(366 * 5):
        for h, m in times:
            if not matches(schedule, m, h, day.day, day.month, day.isoweekday() % 7):
                break  # the day does not match: no minute of it does
            naive = dt.datetime.combine(day, dt.time(h, m))
            aware = naive.replace(tzinfo=tz)
            if not _exists(aware):  # in a daylight-saving gap
                if schedule.wildcard:
                    continue  # cron skips it
                while not _exists(aware):  # a fixed time: cron runs it right after the jump
                    naive += dt.timedelta(minutes=1)
                    aware = naive.replace(tzinfo=tz)
            if aware > local:
                return aware
        day += dt.timedelta(days=1)
    return None


def _exists(aware: dt.datetime) -> bool:
    """Does this wall-clock time exist in its zone (not in a daylight-saving gap)?"""
    back = aware.astimezone(dt.UTC).astimezone(aware.tzinfo).replace(tzinfo=None)
    return back == aware.replace(tzinfo=None)
