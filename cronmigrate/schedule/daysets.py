"""Sets of days over one whole Gregorian cycle, as bit masks.

The Gregorian calendar repeats exactly every 400 years: 146,097 days, which is a whole
number of weeks (20,871).  So a day-of-month/month/day-of-week rule selects the same days
in every cycle, and two rules that select the same days over one cycle select the same
days forever.  Comparing masks over one cycle is therefore a proof, not a sample, and it
covers every 29 February, every weekday a date can fall on, and every month length.

Bit ``i`` of a mask is the day ``EPOCH + i``.  Masks are Python ints: 146,097 bits, so an
AND or OR is a few microseconds.  Building a mask goes through ``bytes.translate`` and
``int(s, 2)`` so that no Python loop touches every day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from functools import cache

CYCLE_DAYS = 146_097
EPOCH = dt.date(2000, 1, 1)
_EPOCH_ORD = EPOCH.toordinal()


def day_index(day: dt.date) -> int:
    """Index of ``day`` within the cycle."""
    return (day.toordinal() - _EPOCH_ORD) % CYCLE_DAYS


def date_of(index: int, near: dt.date) -> dt.date:
    """The date with cycle index ``index`` on or after ``near``."""
    delta = (index - day_index(near)) % CYCLE_DAYS
    return near + dt.timedelta(days=delta)


class _Columns:
    """Per-day attributes over the cycle, one byte per day."""

    def __init__(self) -> None:
        doms = {n: bytes(range(1, n + 1)) for n in (28, 29, 30, 31)}
        ends = {n: bytes(range(n - 1, -1, -1)) for n in (28, 29, 30, 31)}
        lengths = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
        dom: list[bytes] = []
        month: list[bytes] = []
        to_end: list[bytes] = []  # days left in the month after this one (0 = last day)
        for year in range(EPOCH.year, EPOCH.year + 400):
            leap = calendar.isleap(year)
            for m, n in enumerate(lengths, start=1):
                if m == 2 and leap:
                    n = 29
                dom.append(doms[n])
                month.append(bytes((m,)) * n)
                to_end.append(ends[n])
        first = EPOCH.isoweekday() % 7  # Sunday = 0
        week = bytes((first + i) % 7 for i in range(7))
        self.dom = b"".join(dom)
        self.month = b"".join(month)
        self.to_end = b"".join(to_end)
        self.dow = (week * (CYCLE_DAYS // 7 + 1))[:CYCLE_DAYS]
        assert len(self.dom) == len(self.month) == CYCLE_DAYS


@cache
def _columns() -> _Columns:
    return _Columns()


def _mask_where(column: bytes, values: Iterable[int]) -> int:
    wanted = set(values)
    table = bytes(0x31 if i in wanted else 0x30 for i in range(256))
    digits = column.translate(table)[::-1]  # bit 0 = day 0 = last character
    return int(digits, 2)


FULL = (1 << CYCLE_DAYS) - 1


@cache
def month_mask(month: int) -> int:
    return _mask_where(_columns().month, [month])


@cache
def dom_mask(dom: int) -> int:
    return _mask_where(_columns().dom, [dom])


@cache
def dow_mask(dow: int) -> int:
    """Sunday = 0."""
    return _mask_where(_columns().dow, [dow % 7])


@cache
def last_day_mask() -> int:
    return _mask_where(_columns().to_end, [0])


@cache
def last_week_mask() -> int:
    """The last seven days of each month."""
    return _mask_where(_columns().to_end, range(7))


@cache
def nth_week_mask(k: int) -> int:
    """Days ``7(k-1)+1 .. 7k`` of the month: the k-th occurrence of each weekday."""
    return _mask_where(_columns().dom, range(7 * (k - 1) + 1, 7 * k + 1))


@cache
def nearest_weekday_mask(n: int) -> int:
    """Quartz ``nW``: the weekday (Mon-Fri) nearest day ``n``, not leaving the month."""
    cols = _columns()
    bits = bytearray(b"0" * CYCLE_DAYS)
    i = 0
    while i < CYCLE_DAYS:
        length = cols.to_end[i] + 1
        if n <= length:
            target = i + n - 1
            wd = cols.dow[target]
            if wd == 6:  # Saturday: Friday, or Monday if the 1st
                target = target - 1 if n > 1 else target + 2
            elif wd == 0:  # Sunday: Monday, or Friday if the last day
                target = target + 1 if n < length else target - 2
            bits[target] = 0x31
        i += length
    return int(bytes(bits[::-1]), 2)


@cache
def last_weekday_mask() -> int:
    """Quartz ``LW``: the last Monday-Friday of each month."""
    cols = _columns()
    bits = bytearray(b"0" * CYCLE_DAYS)
    i = 0
    while i < CYCLE_DAYS:
        length = cols.to_end[i] + 1
        last = i + length - 1
        while cols.dow[last] in (0, 6):
            last -= 1
        bits[last] = 0x31
        i += length
    return int(bytes(bits[::-1]), 2)


def union(masks: Iterable[int]) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


@cache
def months_mask(months: frozenset[int]) -> int:
    if len(months) == 12:
        return FULL
    return union(month_mask(m) for m in months)


@cache
def doms_mask(doms: frozenset[int]) -> int:
    if len(doms) == 31:
        return FULL
    return union(dom_mask(d) for d in doms)


@cache
def dows_mask(dows: frozenset[int]) -> int:
    norm = frozenset(d % 7 for d in dows)
    if len(norm) == 7:
        return FULL
    return union(dow_mask(d) for d in norm)


def rotate(mask: int, days: int) -> int:
    """Move every day ``days`` forward (cyclically: the calendar repeats)."""
    days %= CYCLE_DAYS
    if days == 0:
        return mask
    return ((mask << days) | (mask >> (CYCLE_DAYS - days))) & FULL


def days_of(mask: int) -> list[int]:
    """Indices of the set bits (for small masks and reports)."""
    out: list[int] = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def first_day(mask: int, start: int) -> int | None:
    """The first set index at or after ``start`` (cyclically), or None."""
    if not mask:
        return None
    ahead = mask >> start
    if ahead:
        return start + ((ahead & -ahead).bit_length() - 1)
    return (mask & -mask).bit_length() - 1


def attributes(index: int) -> tuple[int, int, int]:
    """(month, day-of-month, day-of-week with Sunday = 0) of a cycle day."""
    cols = _columns()
    return cols.month[index], cols.dom[index], cols.dow[index]
