"""Time zones: UTC offsets and their changes (daylight saving time) over a window of years."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import zoneinfo
from functools import cache
from typing import NamedTuple

UTC = dt.UTC


class Transition(NamedTuple):
    at: int  # first UTC minute (minutes since the Unix epoch) of the new offset
    before: int  # offset in minutes before
    after: int  # offset in minutes after

    @property
    def local_start(self) -> int:
        """First local minute affected (the gap or the repeated span starts here)."""
        return self.at + min(self.before, self.after)

    @property
    def span(self) -> int:
        return abs(self.after - self.before)

    @property
    def is_gap(self) -> bool:
        return self.after > self.before


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def is_valid(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _offset(zone: zoneinfo.ZoneInfo, utc_minute: int) -> int:
    local = dt.datetime.fromtimestamp(utc_minute * 60, UTC).astimezone(zone)
    delta = local.utcoffset()
    assert delta is not None
    return int(delta.total_seconds() // 60)


def minute_of(moment: dt.datetime) -> int:
    return int(moment.timestamp() // 60)


@cache
def transitions(name: str, first_year: int, last_year: int) -> tuple[Transition, ...]:
    """Every offset change from 1 January ``first_year`` to 31 December ``last_year``."""
    zone = get_zone(name)
    start = minute_of(dt.datetime(first_year, 1, 1, tzinfo=UTC))
    end = minute_of(dt.datetime(last_year + 1, 1, 1, tzinfo=UTC))
    out: list[Transition] = []
    if zone.utcoffset(dt.datetime(first_year, 1, 1)) == zone.utcoffset(
        dt.datetime(first_year, 7, 1)
    ) and name.upper() in {"UTC", "ETC/UTC", "GMT", "ETC/GMT", "UNIVERSAL", "ZULU"}:
        return ()
    # Offset changes in current rules are months apart (even Morocco's Ramadan pauses
    # last weeks), so a 2-day step with bisection finds each one.
    step = 2 * 24 * 60
    prev_t, prev_off = start, _offset(zone, start)
    t = start + step
    while t <= end:
        off = _offset(zone, t)
        if off != prev_off:
            lo, hi = prev_t, t  # offset(lo) == prev_off, offset(hi) != prev_off
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset(zone, mid) == prev_off:
                    lo = mid
                else:
                    hi = mid
            out.append(Transition(hi, prev_off, _offset(zone, hi)))
            prev_off = _offset(zone, hi)
        prev_t = t
        t += step
    return tuple(out)


@cache
def offsets(name: str, first_year: int, last_year: int) -> tuple[int, ...]:
    """The distinct offsets (minutes) in force during the window, sorted."""
    zone = get_zone(name)
    start = minute_of(dt.datetime(first_year, 1, 1, tzinfo=UTC))
    found = {_offset(zone, start)}
    found.update(t.after for t in transitions(name, first_year, last_year))
    return tuple(sorted(found))


def offset_at(name: str, utc_minute: int) -> int:
    return _offset(get_zone(name), utc_minute)


def fmt_offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"UTC{sign}{h:02d}:{m:02d}"


def fmt_local(utc_minute: int, name: str) -> str:
    when = dt.datetime.fromtimestamp(utc_minute * 60, UTC).astimezone(get_zone(name))
    return when.strftime("%Y-%m-%d %H:%M %Z")


def zone_file(name: str) -> bytes | None:
    """The compiled (TZif) file of zone ``name`` from the ``tzdata`` package, the same data on
    every machine; None for a name it does not have."""
    parts = name.split("/")
    if not name or any(
        p in ("", ".", "..") or not p.replace("_", "").replace("-", "").replace("+", "").isalnum()
        for p in parts
    ):
        return None
    try:
        data = importlib.resources.files("tzdata").joinpath("zoneinfo", *parts).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    return data if data.startswith(b"TZif") else None
