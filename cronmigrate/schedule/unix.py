"""Unix cron time fields, parsed exactly as Debian's cron (Vixie cron 3.0pl1) parses them.

The reference is Debian's ``entry.c`` (package ``cron`` 3.0pl1-162, with its patches):

* ``get_list`` reads ``range {"," range}`` and then *skips the rest of the token*: text
  after a complete element that is not ``,`` is silently ignored (``1#2`` is ``1``).
* ``get_range``: ``*`` is low-high; ``a``; ``a-b``; an optional ``/step`` after ``*`` or a
  range.  A step after a single value (``0/15``) is an error (Debian bug #733478), a step
  ``<= 0`` is an error, ``a`` and ``b`` must be in range, and a reversed range ``17-9``
  is accepted and selects nothing.
* ``get_number`` collects ASCII letters and digits; a name must match a whole 3-letter
  name case-insensitively (``Mon``, ``jan``); anything else must be all digits.
* The day-of-month/day-of-week flags ``DOM_STAR``/``DOW_STAR`` are set when the field's
  *first character* is ``*``; ``MIN_STAR``/``HR_STAR`` likewise (they mark "wildcard"
  jobs, which ``cron.c`` treats differently across daylight-saving changes).
* Day-of-week 7 is Sunday: if 0 or 7 is set, both are.

Nothing here uses croniter: it accepts ``L``, ``#``, ``0/15`` and six fields, and widens
``12-12`` to ``*``, none of which is what cron does.
"""

from __future__ import annotations

from typing import NamedTuple

MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


class FieldSpec(NamedTuple):
    name: str
    low: int
    high: int
    names: tuple[str, ...] | None = None


MINUTE = FieldSpec("minute", 0, 59)
HOUR = FieldSpec("hour", 0, 23)
DOM = FieldSpec("day-of-month", 1, 31)
MONTH = FieldSpec("month", 1, 12, MONTH_NAMES)
DOW = FieldSpec("day-of-week", 0, 7, DOW_NAMES)
SPECS = (MINUTE, HOUR, DOM, MONTH, DOW)


class Field(NamedTuple):
    """One parsed time field: the values it selects and what cron makes of its text."""

    text: str
    values: frozenset[int]
    star: bool  # the first character is '*'
    ignored: str = ""  # trailing text cron skips without a word
    reversed_ranges: tuple[str, ...] = ()
    lone_steps: tuple[str, ...] = ()  # `*/61`, `1-2/61`: a step past its range's end


class FieldError(NamedTuple):
    message: str
    offset: int  # 0-based offset in the field text


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""


def _number(r: _Reader, spec: FieldSpec, names: bool) -> int | FieldError:
    start = r.pos
    while _is_alnum(r.peek()):
        r.pos += 1
    word = r.text[start : r.pos]
    if not word:
        got = repr(r.peek()) if r.peek() else "end of field"
        return FieldError(f"expected a number, got {got}", start)
    if names and spec.names:
        lowered = word.lower()
        if lowered in spec.names:
            return spec.names.index(lowered) + spec.low
    if word.isdigit():
        return int(word)
    if spec.names and names:
        return FieldError(f"unknown {spec.name} name {word!r}", start)
    return FieldError(f"{word!r} is not a number", start)


def _range(
    r: _Reader, spec: FieldSpec, out: set[int], reversed_: list[str], lone: list[str]
) -> FieldError | None:
    start = r.pos
    if r.peek() == "*":
        r.pos += 1
        first, last = spec.low, spec.high
    else:
        n1 = _number(r, spec, names=True)
        if isinstance(n1, FieldError):
            return n1
        if r.peek() != "-":
            if r.peek() == "/":
                return FieldError(
                    f"a step needs a range: {r.text[start:]!r} is not cron syntax "
                    f"(write '{n1}-{spec.high}/...' or '*/...')",
                    start,
                )
            if not spec.low <= n1 <= spec.high:
                return FieldError(f"{n1} is out of range {spec.low}-{spec.high}", start)
            out.add(n1)
            return None
        r.pos += 1
        n2 = _number(r, spec, names=True)
        if isinstance(n2, FieldError):
            return n2
        first, last = n1, n2
    step = 1
    if r.peek() == "/":
        r.pos += 1
        at = r.pos
        n3 = _number(r, spec, names=False)
        if isinstance(n3, FieldError):
            return n3
        if n3 <= 0:
            return FieldError(f"step {n3} must be at least 1", at)
        step = n3
    for n in (first, last):
        if not spec.low <= n <= spec.high:
            return FieldError(f"{n} is out of range {spec.low}-{spec.high}", start)
    if first > last:
        reversed_.append(r.text[start : r.pos])
    elif last > first and step > last - first:  # only the first value (chkcrontab objects)
        lone.append(r.text[start : r.pos])
    out.update(range(first, last + 1, step))
    return None


_ALL_OF: dict[str, frozenset[int]] = {}


def parse_field(text: str, spec: FieldSpec) -> Field | FieldError:
    """Parse one whitespace-free field the way Debian's ``get_list`` does."""
    if text == "*":  # fast paths for the commonest fields; same result as the reader
        if spec.name not in _ALL_OF:
            _ALL_OF[spec.name] = frozenset(
                range(spec.low, min(spec.high, 6 if spec is DOW else spec.high) + 1)
            )
        return Field(text, _ALL_OF[spec.name], True)
    if text.isdigit() and text.isascii() and spec.low <= int(text) <= spec.high:
        value = int(text)
        return Field(text, frozenset({0 if spec is DOW and value == 7 else value}), False)
    r = _Reader(text)
    values: set[int] = set()
    reversed_: list[str] = []
    lone: list[str] = []
    while True:
        err = _range(r, spec, values, reversed_, lone)
        if err is not None:
            return err
        if r.peek() == ",":
            r.pos += 1
            continue
        break
    if spec is DOW and (0 in values or 7 in values):
        values.discard(7)
        values.add(0)
    return Field(
        text=text,
        values=frozenset(values),
        star=text.startswith("*"),
        ignored=text[r.pos :],
        reversed_ranges=tuple(reversed_),
        lone_steps=tuple(lone),
    )


class CronSchedule(NamedTuple):
    """A parsed five-field schedule (or an @macro), with cron's flags."""

    text: str  # as written: "*/5 * * * *" or "@daily"
    minutes: frozenset[int]
    hours: frozenset[int]
    doms: frozenset[int]
    months: frozenset[int]
    dows: frozenset[int]  # 0-6, Sunday = 0
    dom_star: bool
    dow_star: bool
    min_star: bool
    hr_star: bool
    fields: tuple[Field, ...] = ()  # empty for macros

    @property
    def day_rule(self) -> str:
        """``and`` when either day field starts with '*', else ``or`` (cron.c)."""
        return "and" if (self.dom_star or self.dow_star) else "or"

    @property
    def wildcard(self) -> bool:
        """Vixie's "wildcard job": minute or hour field starts with '*'."""
        return self.min_star or self.hr_star

    @property
    def key(self) -> tuple[object, ...]:
        """Everything that decides when the job fires (for caching proofs)."""
        return (
            self.minutes,
            self.hours,
            self.doms,
            self.months,
            self.dows,
            self.day_rule,
            self.wildcard,
        )


_ALL = {spec.name: frozenset(range(spec.low, spec.high + 1)) for spec in SPECS}
ALL_MINUTES = _ALL["minute"]
ALL_HOURS = _ALL["hour"]
ALL_DOMS = _ALL["day-of-month"]
ALL_MONTHS = _ALL["month"]
ALL_DOWS = frozenset(range(7))
REBOOT = "@reboot"


def _macro(
    text: str,
    minutes: frozenset[int],
    hours: frozenset[int],
    doms: frozenset[int],
    months: frozenset[int],
    dows: frozenset[int],
    *,
    dom_star: bool = False,
    dow_star: bool = False,
    hr_star: bool = False,
) -> CronSchedule:
    return CronSchedule(
        text, minutes, hours, doms, months, dows, dom_star, dow_star, False, hr_star
    )


_Z = frozenset({0})
_ONE = frozenset({1})
# entry.c, load_entry(): exactly the bits and flags Debian sets for each macro.
MACROS: dict[str, CronSchedule] = {
    "@yearly": _macro("@yearly", _Z, _Z, _ONE, _ONE, ALL_DOWS, dow_star=True),
    "@annually": _macro("@annually", _Z, _Z, _ONE, _ONE, ALL_DOWS, dow_star=True),
    "@monthly": _macro("@monthly", _Z, _Z, _ONE, ALL_MONTHS, ALL_DOWS, dow_star=True),
    "@weekly": _macro("@weekly", _Z, _Z, ALL_DOMS, ALL_MONTHS, _Z, dom_star=True),
    "@daily": _macro("@daily", _Z, _Z, ALL_DOMS, ALL_MONTHS, ALL_DOWS),
    "@midnight": _macro("@midnight", _Z, _Z, ALL_DOMS, ALL_MONTHS, ALL_DOWS),
    "@hourly": _macro("@hourly", _Z, ALL_HOURS, ALL_DOMS, ALL_MONTHS, ALL_DOWS, hr_star=True),
}


def schedule_from_fields(fields: tuple[Field, ...]) -> CronSchedule:
    minute, hour, dom, month, dow = fields
    return CronSchedule(
        text=" ".join(f.text for f in fields),
        minutes=minute.values,
        hours=hour.values,
        doms=dom.values,
        months=month.values,
        dows=dow.values,
        dom_star=dom.star,
        dow_star=dow.star,
        min_star=minute.star,
        hr_star=hour.star,
        fields=fields,
    )


def parse_schedule(text: str) -> CronSchedule | FieldError:
    """Parse ``"m h dom mon dow"`` or an @macro (not @reboot). For tests and tools."""
    text = text.strip()
    if text.startswith("@"):
        if text in MACROS:
            return MACROS[text]
        return FieldError(f"unknown macro {text!r}", 0)
    parts = text.split()
    if len(parts) != 5:
        return FieldError(f"expected 5 fields, got {len(parts)}", 0)
    parsed: list[Field] = []
    for part, spec in zip(parts, SPECS, strict=True):
        f = parse_field(part, spec)
        if isinstance(f, FieldError):
            return FieldError(f"bad {spec.name} {part!r}: {f.message}", f.offset)
        parsed.append(f)
    return schedule_from_fields(tuple(parsed))


def matches(s: CronSchedule, minute: int, hour: int, dom: int, month: int, dow: int) -> bool:
    """cron.c find_jobs(): does the schedule match this local wall-clock minute?"""
    if minute not in s.minutes or hour not in s.hours or month not in s.months:
        return False
    if s.day_rule == "and":
        return dom in s.doms and dow in s.dows
    return dom in s.doms or dow in s.dows
