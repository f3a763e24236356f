"""EventBridge ``cron()`` expressions: parse, validate, evaluate and render.

Syntax, from the EventBridge user guide, "Cron expressions reference"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html):

=============  ===============  ==================
Field          Values           Wildcards
=============  ===============  ==================
Minutes        0-59             , - * /
Hours          0-23             , - * /
Day-of-month   1-31             , - * ? / L W
Month          1-12 or JAN-DEC  , - * /
Day-of-week    1-7 or SUN-SAT   , - * ? L #
Year           1970-2199        , - * /
=============  ===============  ==================

* One of day-of-month and day-of-week must be ``?`` (not both ``*``, not both values).
* ``#`` allows one expression only in day-of-week (``3#1,6#3`` is invalid).
* Day-of-week 1 is Sunday.  There is no ``/`` in day-of-week.
* ``1/10`` in minutes is "every tenth minute starting at minute 1".

The evaluator turns a parsed expression into (day mask over the 400-year cycle, minute-of-
day mask); see :mod:`cronmigrate.daysets`.  Wrap-around ranges (``FRI-MON``, ``22-2``) are
not documented by AWS and are rejected here rather than guessed at; cronmigrate never
emits them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from cronmigrate.schedule import daysets

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # EventBridge 1..7


class AwsCronError(ValueError):
    """An expression EventBridge would reject (or that we cannot evaluate)."""


class AwsCron(NamedTuple):
    minutes: str
    hours: str
    dom: str
    month: str
    dow: str
    year: str = "*"

    @property
    def expression(self) -> str:
        return f"cron({self.minutes} {self.hours} {self.dom} {self.month} {self.dow} {self.year})"

    def __str__(self) -> str:
        return self.expression


_EXPR = re.compile(r"^cron\((.*)\)$")


def parse(expression: str) -> AwsCron:
    m = _EXPR.match(expression.strip())
    body = m.group(1) if m else expression
    parts = body.split()
    if len(parts) != 6:
        raise AwsCronError(f"expected 6 fields, got {len(parts)}: {expression!r}")
    cron = AwsCron(*parts)
    evaluate(cron)  # validates
    return cron


def _value(tok: str, low: int, high: int, names: tuple[str, ...] | None, what: str) -> int:
    if tok.isdigit():
        v = int(tok)
    elif names and tok.upper() in names:
        v = names.index(tok.upper()) + low
    else:
        raise AwsCronError(f"bad {what} value {tok!r}")
    if not low <= v <= high:
        raise AwsCronError(f"{what} value {v} out of range {low}-{high}")
    return v


def parse_set(
    text: str, low: int, high: int, names: tuple[str, ...] | None, what: str, step_ok: bool = True
) -> frozenset[int]:
    out: set[int] = set()
    for tok in text.split(","):
        if not tok:
            raise AwsCronError(f"empty element in {what} {text!r}")
        step = 1
        if "/" in tok:
            if not step_ok:
                raise AwsCronError(f"'/' is not allowed in {what}")
            tok, step_s = tok.split("/", 1)
            if not step_s.isdigit() or int(step_s) == 0:
                raise AwsCronError(f"bad step {step_s!r} in {what}")
            step = int(step_s)
            if tok == "*":
                first, last = low, high
            elif "-" in tok:
                a, b = tok.split("-", 1)
                first, last = (_value(a, low, high, names, what), _value(b, low, high, names, what))
            else:
                first, last = _value(tok, low, high, names, what), high
        elif tok == "*":
            first, last = low, high
        elif "-" in tok:
            a, b = tok.split("-", 1)
            first, last = _value(a, low, high, names, what), _value(b, low, high, names, what)
        else:
            first = last = _value(tok, low, high, names, what)
        if first > last:
            raise AwsCronError(f"wrap-around range {tok!r} in {what} (undocumented; not used)")
        out.update(range(first, last + 1, step))
    return frozenset(out)


def time_mask(minutes: frozenset[int], hours: frozenset[int]) -> int:
    """Minute-of-day bit mask (bit ``60*h + m``)."""
    row = 0
    for m in minutes:
        row |= 1 << m
    out = 0
    for h in hours:
        out |= row << (60 * h)
    return out


def _dom_mask(text: str) -> int:
    out = 0
    for tok in text.split(","):
        if tok == "L":
            out |= daysets.last_day_mask()
        elif tok == "LW":
            out |= daysets.last_weekday_mask()
        elif tok.endswith("W") and tok[:-1].isdigit():
            out |= daysets.nearest_weekday_mask(_value(tok[:-1], 1, 31, None, "day-of-month"))
        else:
            out |= daysets.doms_mask(parse_set(tok, 1, 31, None, "day-of-month"))
    return out


def _dow_mask(text: str) -> int:
    if "#" in text:
        if "," in text:
            raise AwsCronError("'#' allows only one expression in day-of-week")
        d, k = text.split("#", 1)
        day = _value(d, 1, 7, DAYS, "day-of-week")
        if not k.isdigit() or not 1 <= int(k) <= 5:
            raise AwsCronError(f"bad '#' occurrence {k!r}")
        return daysets.dow_mask(day - 1) & daysets.nth_week_mask(int(k))
    out = 0
    for tok in text.split(","):
        if tok == "L":  # Quartz: plain L in day-of-week is the last day of the week, SAT
            out |= daysets.dow_mask(6)
        elif tok.endswith("L") and len(tok) > 1:
            day = _value(tok[:-1], 1, 7, DAYS, "day-of-week")
            out |= daysets.dow_mask(day - 1) & daysets.last_week_mask()
        else:
            days = parse_set(tok, 1, 7, DAYS, "day-of-week", step_ok=False)
            out |= daysets.dows_mask(frozenset(d - 1 for d in days))
    return out


class Evaluated(NamedTuple):
    days: int  # mask over the cycle
    times: int  # minute-of-day mask
    minutes: frozenset[int]
    hours: frozenset[int]


def evaluate(cron: AwsCron) -> Evaluated:
    """Validate ``cron`` and return the days and times it fires (year must be ``*``)."""
    minutes = parse_set(cron.minutes, 0, 59, None, "minutes")
    hours = parse_set(cron.hours, 0, 23, None, "hours")
    months = parse_set(cron.month, 1, 12, MONTHS, "month")
    if cron.year != "*":
        parse_set(cron.year, 1970, 2199, None, "year")
        raise AwsCronError("only year '*' can be evaluated over the calendar cycle")
    if (cron.dom == "?") == (cron.dow == "?"):
        raise AwsCronError("exactly one of day-of-month and day-of-week must be '?'")
    days = _dom_mask(cron.dom) if cron.dow == "?" else _dow_mask(cron.dow)
    days &= daysets.months_mask(months)
    return Evaluated(days, time_mask(minutes, hours), minutes, hours)


# --------------------------------------------------------------------------- rendering


def render_values(
    values: frozenset[int],
    low: int,
    high: int,
    names: tuple[str, ...] | None = None,
    step_ok: bool = True,
) -> str:
    """A compact EventBridge list for ``values`` (which must be non-empty)."""
    vals = sorted(values)
    if not vals:
        raise ValueError("no values to render")
    if vals == list(range(low, high + 1)):
        return "*"
    if step_ok and len(vals) >= 3 and vals[-1] + (vals[1] - vals[0]) > high:
        step = vals[1] - vals[0]
        if step > 1 and vals == list(range(vals[0], high + 1, step)):
            return f"{vals[0]}/{step}"

    def name(v: int) -> str:
        return names[v - low] if names else str(v)

    parts: list[str] = []
    i = 0
    while i < len(vals):
        j = i
        while j + 1 < len(vals) and vals[j + 1] == vals[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{name(vals[i])}-{name(vals[j])}")
        else:
            parts.extend(name(v) for v in vals[i : j + 1])
        i = j + 1
    return ",".join(parts)


def render_dows(unix_dows: frozenset[int]) -> str:
    """Unix days (Sunday = 0) as EventBridge names (SUN-SAT)."""
    return render_values(frozenset(d + 1 for d in unix_dows), 1, 7, DAYS, step_ok=False)


def fit(cron: AwsCron, limit: int) -> list[AwsCron]:
    """``cron`` as expressions of at most ``limit`` characters: the longest comma list is
    cut in two, recursively. Each part fires on a subset of that field's values, every other
    field unchanged, so together they fire exactly when ``cron`` does."""
    if len(cron.expression) <= limit:
        return [cron]
    fields = cron._fields
    longest = max(fields, key=lambda f: (getattr(cron, f).count(","), len(getattr(cron, f))))
    items = getattr(cron, longest).split(",")
    if len(items) < 2:
        raise AwsCronError(f"{cron.expression}: longer than {limit} characters")
    half = len(items) // 2
    first = cron._replace(**{longest: ",".join(items[:half])})
    second = cron._replace(**{longest: ",".join(items[half:])})
    return fit(first, limit) + fit(second, limit)
