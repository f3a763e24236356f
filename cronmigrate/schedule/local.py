"""A Unix schedule said as EventBridge cron() expressions in the same time zone: fields
rendered in the user's spelling where EventBridge reads it the same, cron's day-of-month OR
day-of-week rule as two expressions, the AND rule refused unless it is whole weeks (``DAY#k``)."""

from __future__ import annotations

from cronmigrate.diagnostics import Diagnostic, SourceLocation, rules
from cronmigrate.diagnostics.rules import Rule
from cronmigrate.schedule.eventbridge import (
    MONTHS,
    AwsCron,
    AwsCronError,
    parse_set,
    render_dows,
    render_values,
)
from cronmigrate.schedule.unix import (
    ALL_DOMS,
    ALL_DOWS,
    DOM,
    HOUR,
    MINUTE,
    MONTH,
    CronSchedule,
    Field,
    FieldSpec,
)

MAX_SCHEDULES = 10  # more than this for one job is refused as unreadable


class Refusal(Exception):
    def __init__(self, code: Rule, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _norm_token(tok: str, spec: FieldSpec) -> str:
    if tok.isdigit():
        return str(int(tok))
    if spec.names and tok.lower() in spec.names:
        return MONTHS[spec.names.index(tok.lower())] if spec is MONTH else tok.upper()
    raise ValueError(tok)


def render_field(field: Field | None, values: frozenset[int], spec: FieldSpec) -> str:
    """The user's spelling if EventBridge reads it as ``values``; else a canonical one."""
    names = MONTHS if spec is MONTH else None
    canonical = render_values(values, spec.low, spec.high, names)
    if canonical == "*" or field is None or field.ignored.strip("\r") or field.reversed_ranges:
        return canonical
    out: list[str] = []
    try:
        for tok in field.text.rstrip("\r").split(","):
            if tok == "*":
                out.append("*")
            elif tok.startswith("*/"):
                step = int(tok[2:])
                # An increment must stay within its field (AWS's cron grammar): */100 in
                # day-of-month is day 1 alone, said as the values.
                if len(values) < 2 or spec.low + step > spec.high:
                    return canonical
                out.append(f"{spec.low}/{step}")
            elif "/" in tok:
                return canonical
            elif "-" in tok:
                a, b = (_norm_token(t, spec) for t in tok.split("-", 1))
                out.append(a if a == b else f"{a}-{b}")
            else:
                out.append(_norm_token(tok, spec))
    except ValueError:
        return canonical
    text = ",".join(out)
    try:  # read the text back with the evaluator
        ok = parse_set(text, spec.low, spec.high, names, spec.name) == values
    except AwsCronError:
        ok = False
    return text if ok else canonical


def _field(s: CronSchedule, i: int) -> Field | None:
    return s.fields[i] if s.fields else None


_WEEKS = {k: frozenset(range(7 * (k - 1) + 1, min(7 * k, 31) + 1)) for k in range(1, 6)}


def local_crons(s: CronSchedule) -> tuple[list[AwsCron], list[Diagnostic]]:
    """EventBridge expressions that fire at the same local instants as ``s``."""
    minutes = render_field(_field(s, 0), s.minutes, MINUTE)
    hours = render_field(_field(s, 1), s.hours, HOUR)
    month = render_field(_field(s, 3), s.months, MONTH)
    dom_full, dow_full = s.doms == ALL_DOMS, s.dows == ALL_DOWS

    def dom_text() -> str:
        return render_field(_field(s, 2), s.doms, DOM)

    def mk(dom: str, dow: str) -> AwsCron:
        return AwsCron(minutes, hours, dom, month, dow)

    notes: list[Diagnostic] = []
    if s.day_rule == "and":
        if dow_full:
            return [mk(dom_text(), "?")], notes
        if dom_full:
            return [mk("?", render_dows(s.dows))], notes
        weeks = [k for k, days in _WEEKS.items() if days <= s.doms]
        if (
            weeks
            and frozenset().union(*(_WEEKS[k] for k in weeks)) == s.doms
            and (len(weeks) * len(s.dows) <= MAX_SCHEDULES)
        ):
            crons = [
                mk("?", f"{render_dows(frozenset({d}))}#{k}") for d in sorted(s.dows) for k in weeks
            ]
            return crons, notes
        star = "day-of-month" if s.dom_star else "day-of-week"
        raise Refusal(
            rules.DAY_AND,
            f"cron runs this only on days that match both day-of-month "
            f"{_field_text(s, 2)!r} and day-of-week {_field_text(s, 4)!r} (the {star} "
            "field starts with '*', which makes cron AND the two); EventBridge cannot "
            "combine the two day fields",
        )
    if dom_full or dow_full:
        return [mk("*", "?")], notes
    if not s.doms:
        return [mk("?", render_dows(s.dows))], notes
    if not s.dows:
        return [mk(dom_text(), "?")], notes
    notes.append(
        rules.DAY_OR_SPLIT.at(
            f"cron runs this on day-of-month {_field_text(s, 2)!r} OR day-of-week "
            f"{_field_text(s, 4)!r} (neither starts with '*'); EventBridge needs two "
            "schedules for that",
            SourceLocation("", 0),
        )
    )
    return [mk(dom_text(), "?"), mk("?", render_dows(s.dows))], notes


def _field_text(s: CronSchedule, i: int) -> str:
    f = _field(s, i)
    return f.text if f else s.text
