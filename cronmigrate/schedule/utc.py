"""A schedule shifted into UTC for classic EventBridge rules: the fire times (day × minute
sets) written back as the fewest cron() expressions, ``L`` for a shifted last day."""

from __future__ import annotations

from collections.abc import Sequence

from cronmigrate.schedule import daysets, fires
from cronmigrate.schedule.eventbridge import (
    MONTHS,
    AwsCron,
    render_dows,
    render_values,
)


def _rectangles(times: int) -> list[tuple[frozenset[int], frozenset[int]]]:
    """Split a minute-of-day mask into (minutes × hours) products."""
    by_hours: dict[frozenset[int], set[int]] = {}
    for m in range(60):
        hours = frozenset(h for h in range(24) if (times >> (60 * h + m)) & 1)
        if hours:
            by_hours.setdefault(hours, set()).add(m)
    rects = [(frozenset(ms), hs) for hs, ms in by_hours.items()]
    return sorted(rects, key=lambda r: (min(r[1]), min(r[0])))


def _values_in(mask: int, per_value: dict[int, int]) -> frozenset[int]:
    return frozenset(v for v, m in per_value.items() if mask & m)


def _day_specs(days: int) -> list[tuple[str, str, str]] | None:
    """(day-of-month, month, day-of-week) specs whose union is exactly ``days``."""
    if days == daysets.FULL:
        return [("*", "*", "?")]
    month_of = {m: daysets.month_mask(m) for m in range(1, 13)}
    months = _values_in(days, month_of)
    mm = daysets.months_mask(months)
    mtext = render_values(months, 1, 12, MONTHS)
    dows = _values_in(days, {d: daysets.dow_mask(d) for d in range(7)})
    if mm & daysets.dows_mask(dows) == days:
        return [("?", mtext, render_dows(dows))]
    dom_of = {d: daysets.dom_mask(d) for d in range(1, 32)}
    doms = _values_in(days, dom_of)
    if mm & daysets.doms_mask(doms) == days:
        return [(render_values(doms, 1, 31), mtext, "?")]
    last = days & daysets.last_day_mask()
    rest = days & ~daysets.last_day_mask()
    specs: list[tuple[str, str, str]] = []
    if last:
        lmonths = _values_in(last, month_of)
        if daysets.months_mask(lmonths) & daysets.last_day_mask() != last:
            return None
        specs.append(("L", render_values(lmonths, 1, 12, MONTHS), "?"))
    groups: dict[frozenset[int], set[int]] = {}
    for m in sorted(_values_in(rest, month_of)):
        groups.setdefault(_values_in(rest & month_of[m], dom_of), set()).add(m)
    for ds, ms in groups.items():
        if daysets.months_mask(frozenset(ms)) & daysets.doms_mask(
            ds
        ) & ~daysets.last_day_mask() != rest & daysets.months_mask(frozenset(ms)):
            return None
        specs.append((render_values(ds, 1, 31), render_values(frozenset(ms), 1, 12, MONTHS), "?"))
    return specs


def utc_crons(pairs: Sequence[fires.Pair]) -> list[AwsCron] | None:
    merged: dict[int, int] = {}
    for days, times in pairs:
        merged[days] = merged.get(days, 0) | times
    out: list[AwsCron] = []
    for days, times in merged.items():
        if not days or not times:
            continue
        specs = _day_specs(days)
        if specs is None:
            return None
        for ms, hs in _rectangles(times):
            for dom, month, dow in specs:
                out.append(
                    AwsCron(render_values(ms, 0, 59), render_values(hs, 0, 23), dom, month, dow)
                )
    return out


def _utc_for(local: Sequence[AwsCron], offset: int) -> list[AwsCron] | None:
    """Shift each local expression (each already a days × times product) into UTC."""
    pieces = [p for c in local for p in fires.shift_pairs(fires.aws_pair(c), offset)]
    return utc_crons(pieces)
