"""When schedules fire, and the proof that two descriptions fire at the same instants.

A schedule's local fire times are a product: (days it runs) × (minutes of the day).
Days are masks over the 400-year Gregorian cycle (:mod:`cronmigrate.daysets`), minutes a
1,440-bit mask.  Comparing unions of such products is exact and takes microseconds, so
the proof covers *all* dates, not a sample.

Time zones add the instants where wall-clock time is skipped or repeated.  Those are
checked separately, per daylight-saving transition in a window of years, by simulating
Debian's ``cron.c`` main loop minute by minute next to the target's rules:

* Debian cron (``cron.c``, "wakeupKind" 2 and 0): when the clock jumps forward by more
  than 5 minutes, *fixed-time* jobs (minute and hour fields not starting with ``*``)
  scheduled in the skipped minutes run at once; wildcard jobs do not.  When the clock
  goes back, only wildcard jobs run again in the repeated minutes.
* EventBridge Scheduler: "When the time shifts forward in Spring, your schedule
  invocation gets skipped if the cron expression falls on a non-existent date and time.
  When the time shifts back in the Fall, your schedule runs only once and doesn't repeat
  its invocation." (AWS re:Post knowledge center, "eventbridge-scheduler-adjust-dst";
  EventBridge Scheduler user guide, "Daylight savings time").
* EventBridge rules: UTC only, no daylight saving time at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from cronmigrate.schedule import daysets
from cronmigrate.schedule.eventbridge import AwsCron, evaluate, time_mask
from cronmigrate.schedule.timezones import Transition
from cronmigrate.schedule.unix import CronSchedule

Pair = tuple[int, int]  # (day mask, minute-of-day mask)
DAY = 1440


def cron_days(s: CronSchedule) -> int:
    if s.day_rule == "and":
        days = daysets.doms_mask(s.doms) & daysets.dows_mask(s.dows)
    else:
        days = daysets.doms_mask(s.doms) | daysets.dows_mask(s.dows)
    return days & daysets.months_mask(s.months)


def cron_pair(s: CronSchedule) -> Pair:
    return cron_days(s), time_mask(s.minutes, s.hours)


def aws_pair(cron: AwsCron) -> Pair:
    ev = evaluate(cron)
    return ev.days, ev.times


class Comparison(NamedTuple):
    equal: bool
    duplicates: int  # instants per cycle fired by more than one candidate
    missing: int  # instants per cycle the truth has and the candidates lack
    extra: int  # instants per cycle the candidates have and the truth lacks


def _atoms(masks: Iterable[int]) -> list[int]:
    atoms = [(1 << DAY) - 1]
    for m in masks:
        nxt: list[int] = []
        for a in atoms:
            inside, outside = a & m, a & ~m
            if inside:
                nxt.append(inside)
            if outside:
                nxt.append(outside)
        atoms = nxt
    return atoms


def compare(truth: Sequence[Pair], candidates: Sequence[Pair]) -> Comparison:
    """Compare the instants of two unions of (days × times) products."""
    missing = extra = dup = 0
    for atom in _atoms([t for _, t in truth] + [t for _, t in candidates]):
        width = atom.bit_count()
        want = daysets.union(d for d, t in truth if t & atom)
        have_list = [d for d, t in candidates if t & atom]
        have = daysets.union(have_list)
        missing += (want & ~have).bit_count() * width
        extra += (have & ~want).bit_count() * width
        seen = 0
        for d in have_list:
            dup += (seen & d).bit_count() * width
            seen |= d
    return Comparison(missing == 0 and extra == 0, dup, missing, extra)


def shift_pairs(pair: Pair, delta: int) -> list[Pair]:
    """Local (days, times) at UTC offset ``delta`` minutes, as UTC (days, times) pairs."""
    days, times = pair
    groups: dict[int, int] = {}
    t = times
    while t:
        low = t & -t
        minute = low.bit_length() - 1
        t ^= low
        shifted, day_shift = (minute - delta) % DAY, (minute - delta) // DAY
        groups[day_shift] = groups.get(day_shift, 0) | (1 << shifted)
    return [(daysets.rotate(days, s), m) for s, m in sorted(groups.items())]


# ------------------------------------------------------------------ instants near DST changes

Matcher = Callable[[int], bool]  # local minute (minutes since epoch, wall clock) -> fires?
_EPOCH_INDEX = daysets.day_index(dt.date(1970, 1, 1))


def pairs_matcher(pairs: Sequence[Pair]) -> Matcher:
    """Match a wall-clock minute (minutes since 1970-01-01 00:00) against (days, times)."""

    per_day: dict[int, int] = {}  # day -> minute mask; simulations look at a few days only

    def fires(lm: int) -> bool:
        day, minute = divmod(lm, DAY)
        times = per_day.get(day)
        if times is None:
            index = (_EPOCH_INDEX + day) % daysets.CYCLE_DAYS
            times = 0
            for d, t in pairs:
                if (d >> index) & 1:
                    times |= t
            per_day[day] = times
        return bool((times >> minute) & 1)

    return fires


def cron_matcher(s: CronSchedule) -> Matcher:
    return pairs_matcher([cron_pair(s)])


def aws_matcher(crons: Sequence[AwsCron]) -> Matcher:
    return pairs_matcher([aws_pair(c) for c in crons])


def debian_runs(s: CronSchedule, tr: Transition, margin: int = 180) -> list[int]:
    """UTC minutes at which Debian's cron runs ``s`` around one transition (cron.c)."""
    match = cron_matcher(s)
    wild = s.wildcard

    def offset(u: int) -> int:
        return tr.after if u >= tr.at else tr.before

    runs: list[int] = []

    def find(vmin: int, u: int, do_wild: bool, do_fixed: bool) -> None:
        if ((do_wild and wild) or (do_fixed and not wild)) and match(vmin):
            runs.append(u)

    start = tr.at - margin
    virtual = start + offset(start)
    for u in range(start + 1, tr.at + margin):
        running = u + offset(u)
        diff = running - virtual
        if diff == 1:
            virtual = running
            find(virtual, u, True, True)
        elif 0 < diff <= 5:
            while virtual < running:
                virtual += 1
                find(virtual, u, True, True)
        elif 5 < diff <= 180:
            find(running, u, True, False)
            while virtual < running:
                virtual += 1
                find(virtual, u, False, True)
        elif -180 < diff <= 0:
            find(running, u, True, False)
        else:
            virtual = running
            find(running, u, True, True)
    return runs


def scheduler_runs(match: Matcher, tr: Transition, margin: int = 180) -> list[int]:
    """UTC minutes at which EventBridge Scheduler fires: gaps skipped, repeats once."""
    runs: list[int] = []
    for u in range(tr.at - margin + 1, tr.at + margin):
        off = tr.after if u >= tr.at else tr.before
        local = u + off
        second = not tr.is_gap and u >= tr.at and local < tr.at + tr.before
        if not second and match(local):
            runs.append(u)
    return runs


def utc_runs(match: Matcher, tr: Transition, margin: int = 180) -> list[int]:
    """UTC minutes at which a classic EventBridge rule (UTC) fires."""
    return [u for u in range(tr.at - margin + 1, tr.at + margin) if match(u)]


def affected(pair: Pair, tr: Transition) -> bool:
    """Could the job behave differently around ``tr``? (fires in or next to the span)"""
    days, times = pair
    lo, hi = tr.local_start - 1, tr.local_start + tr.span + 1  # wall-clock minutes [lo, hi)
    for day in range(lo // DAY, (hi - 1) // DAY + 1):
        index = (_EPOCH_INDEX + day) % daysets.CYCLE_DAYS
        if not (days >> index) & 1:
            continue
        a, b = max(lo, day * DAY) - day * DAY, min(hi, (day + 1) * DAY) - day * DAY
        if (times >> a) & ((1 << (b - a)) - 1):
            return True
    return False
