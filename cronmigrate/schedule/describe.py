"""Plain-English descriptions of cron schedules, from the values cron actually uses."""

from __future__ import annotations

from cronmigrate.schedule.unix import (
    ALL_DOMS,
    ALL_DOWS,
    ALL_HOURS,
    ALL_MINUTES,
    ALL_MONTHS,
    CronSchedule,
)

_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _runs(values: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for v in values:
        if out and out[-1][1] == v - 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


def _list(values: frozenset[int], name: object = str) -> str:
    fmt = name if callable(name) else str
    parts = []
    for a, b in _runs(sorted(values)):
        if a == b:
            parts.append(fmt(a))
        elif b == a + 1:
            parts += [fmt(a), fmt(b)]
        else:
            parts.append(f"{fmt(a)}–{fmt(b)}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else "nothing"


def _step(values: frozenset[int], low: int, high: int) -> int | None:
    vals = sorted(values)
    if len(vals) < 2 or vals[0] != low:
        return None
    step = vals[1] - vals[0]
    return step if vals == list(range(low, high + 1, step)) else None


def _times(s: CronSchedule) -> str:
    mins, hours = s.minutes, s.hours
    if mins == ALL_MINUTES:
        every = "every minute"
        return every if hours == ALL_HOURS else f"{every} of hour {_list(hours)}"
    step = _step(mins, 0, 59)
    if step and hours == ALL_HOURS:
        return f"every {step} minutes"
    if step:
        return f"every {step} minutes during hour {_list(hours)}"
    if hours == ALL_HOURS:
        return f"at minute {_list(mins)} of every hour"
    hstep = _step(hours, 0, 23)
    if len(mins) == 1 and hstep:
        return f"at minute {_list(mins)} of every {hstep} hours"
    if len(mins) * len(hours) <= 6:
        stamps = [f"{h:02d}:{m:02d}" for h in sorted(hours) for m in sorted(mins)]
        return "at " + ", ".join(stamps)
    return f"at minute {_list(mins)} of hour {_list(hours)}"


def _dows(values: frozenset[int]) -> str:
    return _list(values, lambda d: _DAY_NAMES[d])


def _days(s: CronSchedule) -> str:
    dom_all, dow_all = s.doms == ALL_DOMS, s.dows == ALL_DOWS
    doms = f"on day {_list(s.doms)} of the month"
    if s.day_rule == "and":
        if dom_all and dow_all:
            return "every day"
        if dow_all:
            return doms
        if dom_all:
            return f"on {_dows(s.dows)}"
        return f"on day {_list(s.doms)} of the month if it is a {_dows(s.dows)}"
    if dom_all or dow_all:
        return "every day"
    if not s.doms:
        return f"on {_dows(s.dows)}"
    if not s.dows:
        return doms
    return f"{doms} and on every {_dows(s.dows)}"


def describe(s: CronSchedule | None) -> str:
    if s is None:
        return "at every boot"
    if not (s.minutes and s.hours and s.months):
        return "never"
    text = f"{_times(s)}, {_days(s)}"
    if s.months != ALL_MONTHS:
        text += f", in {_list(s.months, lambda m: MONTH_NAMES[m - 1])}"
    return text[0].upper() + text[1:]
