"""``cronmigrate cutover CRONTAB… --out DIR``: switch the jobs a deployment migrated off cron.

Each line the deployment in DIR was generated from is commented out with
``#cronmigrate:<function>:`` before it, byte for byte (:mod:`cronmigrate.crontab.marker`);
every other line stays as it is. A crontab that changed since ``generate`` is refused (its
hash is in DIR's ``cronmigrate-jobs.json``). ``undo`` restores the marked lines exactly. Files
are written atomically (a temporary file renamed over the target, through links), keeping
their mode and owner.

The account is read first (as ``cronmigrate status`` reads it): a job whose schedule is not
there as generated keeps its line. ``enable`` switches the schedules on through the API in
the order that neither misses nor doubles a run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cronmigrate import jobindex
from cronmigrate.account.compare import compare
from cronmigrate.account.read import Clients, read
from cronmigrate.account.switch import set_state
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


class Held(NamedTuple):
    function: str
    reason: str


class Outcome(NamedTuple):
    switched: list[Switched]
    held: list[Held]  # not switched: the account does not hold the job as generated
    states: list[str]  # schedules (rules) set ENABLED, or DISABLED by --undo
    checked: bool


def switch(
    crontabs: Sequence[str],
    outdir: Path,
    undo: bool = False,
    now: str | None = None,
    warn_minutes: int = 5,
    root: Path = Path("/"),
    check: bool = True,
    enable: bool = False,
    clients: Clients | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], dt.datetime] | None = None,
) -> Outcome:
    """``cronmigrate cutover``. With ``check`` (the default) the account is read first, as
    ``status`` does: a job whose function or schedule is missing or drifted keeps its line.
    ``enable``: each job's schedules are then set ENABLED, right after its line is commented
    out; a job cron runs within a minute waits for that run first, so that none is missed or
    run twice. ``undo`` restores the lines, after disabling their schedules (unless not
    ``check``: then the account is not touched). Each switched job comes with its next run
    under cron and under EventBridge (``soon`` when that is within ``warn_minutes``)."""
    clock = clock or (lambda: dt.datetime.now(dt.UTC))
    when = moment(now) if now else clock()
    doc = jobindex.read(outdir)
    by_function = {j["function"]: j for j in jobindex.jobs(doc)}
    if check:
        clients = clients or Clients()
    if undo:
        restoring = cutover(list(crontabs), outdir, True, root, write=False)
        states: list[str] = []
        if check and clients is not None:
            for job in restoring:
                if job.function in by_function:
                    states += set_state(clients, by_function[job.function], False)
        cutover(list(crontabs), outdir, True, root)
        return Outcome(restoring, [], states, check)
    held: list[Held] = []
    if check and clients is not None:
        snapshot = read(doc, when, clients)
        for js in compare(doc, snapshot, when, when).jobs:
            if js.status in ("missing", "drifted"):
                why = "; ".join(f"{d.resource} {d.field}" for d in js.differences)
                held.append(
                    Held(
                        js.function,
                        "not in the account"
                        if js.status == "missing"
                        else f"deployed otherwise than generated ({why})",
                    )
                )
    hold = frozenset(h.function for h in held)
    planned = [
        _timed(j, when, warn_minutes)
        for j in cutover(list(crontabs), outdir, False, root, hold, write=False)
    ]
    waits = {
        j.function
        for j in planned
        if enable and j.under_cron is not None and j.under_cron - when <= _WAIT
    }
    switched = cutover(list(crontabs), outdir, False, root, hold | waits)
    states = []
    if enable and clients is not None:
        for job in switched:
            states += set_state(clients, by_function[job.function], True)
    for job in sorted((j for j in planned if j.function in waits), key=_cron_time):
        assert job.under_cron is not None
        left = (job.under_cron - clock()).total_seconds() + _AFTER
        if left > 0:
            sleep(left)  # cron runs it this minute: switch right after
        others = frozenset(by_function) - {job.function}
        cutover(list(crontabs), outdir, False, root, hold | others, verified=True)
        if clients is not None:
            states += set_state(clients, by_function[job.function], True)
        switched.append(job)
    done = {j.function: j for j in planned}
    return Outcome(
        [done.get(j.function, _timed(j, when, warn_minutes)) for j in switched],
        held,
        states,
        check,
    )


_WAIT = dt.timedelta(minutes=1)  # a job cron runs this soon is switched after that run
_AFTER = 5.0  # seconds after cron's run before its line is commented out


def _cron_time(job: Switched) -> dt.datetime:
    return job.under_cron or dt.datetime.max.replace(tzinfo=dt.UTC)


def _timed(job: Switched, when: dt.datetime, warn_minutes: int) -> Switched:
    under_cron = cron_next_run(job.cron, job.zone, when)
    under_aws = next_run(job.schedules, when)
    soon = under_aws is not None and under_aws - when <= dt.timedelta(minutes=warn_minutes)
    return job._replace(under_cron=under_cron, under_aws=under_aws, soon=soon)


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
    crontabs: list[str],
    outdir: Path,
    undo: bool = False,
    root: Path = Path("/"),
    hold: frozenset[str] = frozenset(),
    write: bool = True,
    verified: bool = False,
) -> list[Switched]:
    """Comment out (or, ``undo``, restore) the lines of the jobs ``outdir`` holds, but those
    of the functions in ``hold``; ``write=False`` says what it would do. The index names
    crontabs by their paths on the server: ``root`` is where the server's files are here
    (``/`` on the server itself, a copy elsewhere). ``verified``: the crontab was checked
    against its hash by an earlier pass (which then changed it)."""
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
                    done.append(Switched(marked[0], f"{given}:{i + 1}", ()))
            if restored and write:
                _write_keeping(path, "\n".join(lines).encode("utf-8", "surrogateescape"))
            continue
        if not verified and hashlib.sha256(data).hexdigest() != hashes[known]:
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
            if i >= len(lines) or unmark(lines[i]) is not None or job["function"] in hold:
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
        if write:
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
