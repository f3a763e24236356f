"""The busiest minutes of a deployment: how many runs start in each UTC minute of a week, and
how many run at once given each job's expected duration.

Thousands of crontab lines tend to share a few minutes (``0 0 * * *``, ``*/5``): under cron
one server ran them all; on AWS every run is a Lambda invocation counted against the
account's concurrency and every start a Scheduler invocation counted against its rate
(:data:`cronmigrate.aws_facts.LAMBDA_CONCURRENCY_DEFAULT`,
:data:`~cronmigrate.aws_facts.SCHEDULER_INVOCATIONS_PER_SECOND`). Pure: schedules in, counts out.

Work grows with the distinct schedules, not the jobs: jobs with the same expressions, zone
and duration are counted once with their number.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from cronmigrate.schedule import daysets, fires, timezones
from cronmigrate.schedule.eventbridge import parse
from cronmigrate.schedule.model import EventBridgeSchedule

WEEK_DAYS = 7
MINUTES = 1440


class Load(NamedTuple):
    """One job as the count sees it."""

    schedules: tuple[EventBridgeSchedule, ...]
    seconds: int  # a run's expected duration
    lambda_run: bool  # runs as a Lambda invocation (not EC2 Run Command)


class Peak(NamedTuple):
    minute: dt.datetime  # UTC
    starts: int  # runs due in this minute (Scheduler invocations)
    running: int  # Lambda runs at once in it: its starts and earlier runs not yet ended


class Peaks(NamedTuple):
    busiest_starts: tuple[Peak, ...]  # the minutes with most starts, most first
    busiest_running: tuple[Peak, ...]  # the minutes with most Lambda runs at once, most first


def _day_minutes(zone_name: str, day: dt.date, times: int, base: dt.datetime) -> list[int]:
    """Minutes (since ``base``, a UTC minute) of the week at which local minute-of-day mask
    ``times`` falls on local ``day`` in the zone."""
    zone = timezones.get_zone(zone_name)
    midnight = dt.datetime.combine(day, dt.time()).replace(tzinfo=zone)
    first = midnight.utcoffset()
    last = dt.datetime.combine(day, dt.time(23, 59)).replace(tzinfo=zone).utcoffset()
    out: list[int] = []
    day_start = dt.datetime.combine(day, dt.time(), dt.UTC)
    offset = int((day_start - base).total_seconds()) // 60
    while times:
        low = times & -times
        minute = low.bit_length() - 1
        times ^= low
        if first == last:
            m = offset + minute - int((first or dt.timedelta()).total_seconds()) // 60
        else:  # a daylight-saving change on this day: each minute on its own
            naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
            aware = naive.replace(tzinfo=zone)
            if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
                continue  # skipped by the change: Scheduler does not fire it
            m = int((aware.astimezone(dt.UTC) - base).total_seconds()) // 60
        if 0 <= m < WEEK_DAYS * MINUTES:
            out.append(m)
    return out


def busiest(loads: Iterable[Load], start: dt.datetime, top: int = 3) -> Peaks:
    """The ``top`` minutes of the week from ``start`` (its minute included) with the most
    starts and with the most Lambda runs at once (a run lasting its expected duration,
    started at its minute)."""
    base = start.astimezone(dt.UTC).replace(second=0, microsecond=0)
    kinds = Counter(
        (load.schedules, -(-load.seconds // 60), load.lambda_run)
        for load in loads
        if load.schedules
    )
    # Jobs whose schedules fire at the same minutes of a local day count together: far fewer
    # distinct (zone, day, minutes) than schedules.
    days = [base.date() + dt.timedelta(days=d) for d in range(-1, WEEK_DAYS + 2)]
    first = daysets.day_index(days[0])
    # each expression's days in the window, as bits: a shift of its 400-year day mask, the
    # mask doubled so that a window across the cycle's end reads on into its start
    window: dict[str, tuple[int, int]] = {}  # expression → (days in the window, minutes)
    per_day: Counter[tuple[str, int, int, int, bool]] = Counter()
    for (schedules, span, lambda_run), n in kinds.items():
        pairs = []
        for sch in schedules:
            if sch.expression not in window:
                d, t = fires.aws_pair(parse(sch.expression))
                bits = ((d | d << daysets.CYCLE_DAYS) >> first) & ((1 << len(days)) - 1)
                window[sch.expression] = (bits, t)
            pairs.append(window[sch.expression])
        for k in range(len(days)):
            times = 0
            for bits, t in pairs:
                if (bits >> k) & 1:
                    times |= t
            if times:
                per_day[(schedules[0].timezone, k, times, span, lambda_run)] += n
    starts: Counter[int] = Counter()
    running: Counter[int] = Counter()
    for (zone, k, times, span, lambda_run), n in per_day.items():
        for m in _day_minutes(zone, days[k], times, base):
            starts[m] += n
            if lambda_run:
                for later in range(m, m + span):
                    running[later] += n

    def peaks(by: Counter[int]) -> tuple[Peak, ...]:
        chosen = sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return tuple(
            Peak(base + dt.timedelta(minutes=m), starts.get(m, 0), running.get(m, 0))
            for m, _ in chosen
        )

    return Peaks(peaks(starts), peaks(running))
