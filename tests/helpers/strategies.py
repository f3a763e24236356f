"""Hypothesis strategies for Unix cron expressions (valid in Debian's cron)."""

from __future__ import annotations

from hypothesis import strategies as st

MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


@st.composite
def element(draw: st.DrawFn, low: int, high: int, names: list[str] | None = None) -> str:
    def value(v: int) -> str:
        if names and draw(st.booleans()) and v - low < len(names):
            name = names[v - low]
            return draw(st.sampled_from([name, name.upper(), name.title()]))
        return str(v)

    kind = draw(st.sampled_from(["star", "step", "value", "range", "rangestep"]))
    if kind == "star":
        return "*"
    if kind == "step":
        return f"*/{draw(st.integers(1, high - low + 1))}"
    a = draw(st.integers(low, high))
    if kind == "value":
        return value(a)
    b = draw(st.integers(a, high))
    if kind == "range":
        return f"{value(a)}-{value(b)}"
    return f"{value(a)}-{value(b)}/{draw(st.integers(1, 12))}"


@st.composite
def field(draw: st.DrawFn, low: int, high: int, names: list[str] | None = None) -> str:
    parts = draw(st.lists(element(low, high, names), min_size=1, max_size=3))
    return ",".join(parts)


@st.composite
def unix_expression(draw: st.DrawFn) -> str:
    """A five-field expression Debian's cron accepts (no reversed ranges)."""
    return " ".join(
        [
            draw(field(0, 59)),
            draw(field(0, 23)),
            draw(field(1, 31)),
            draw(field(1, 12, MONTH_NAMES)),
            draw(field(0, 7, DOW_NAMES)),
        ]
    )


@st.composite
def sparse_unix_expression(draw: st.DrawFn) -> str:
    """Like unix_expression, with few times a day (cheap to enumerate for days)."""
    minute = str(draw(st.integers(0, 59)))
    hour = draw(st.sampled_from(["0", "3", "12", "23", "1,13", "8-10", "*/6"]))
    return " ".join(
        [
            minute,
            hour,
            draw(field(1, 31)),
            draw(field(1, 12, MONTH_NAMES)),
            draw(field(0, 7, DOW_NAMES)),
        ]
    )


def has_equal_range(expr: str) -> bool:
    """Does ``expr`` hold a range like ``6-6`` or ``sat-6``? (croniter, cronsim < 2.9 widen it.)"""
    names = {n: i for i, n in enumerate(DOW_NAMES)} | {n: i + 1 for i, n in enumerate(MONTH_NAMES)}
    for part in expr.lower().replace(" ", ",").split(","):
        bounds = [str(names.get(b, b)) for b in part.split("/")[0].split("-")]
        if len(bounds) == 2 and int(bounds[0]) == int(bounds[1]):
            return True
    return False
