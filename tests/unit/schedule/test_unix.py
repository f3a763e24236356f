"""Unix time fields and their fire times, against Debian's rules, cronsim and croniter."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from cronsim import CronSim
from hypothesis import assume, given
from hypothesis import strategies as st

from cronmigrate.schedule import daysets, fires
from cronmigrate.schedule.unix import (
    DOM,
    DOW,
    HOUR,
    MACROS,
    MINUTE,
    MONTH,
    CronSchedule,
    Field,
    FieldError,
    matches,
    parse_field,
    parse_schedule,
)
from tests.helpers.strategies import has_equal_range as _has_equal_range
from tests.helpers.strategies import sparse_unix_expression, unix_expression


@pytest.mark.parametrize(
    ("text", "spec", "values"),
    [
        pytest.param("*/15", MINUTE, {0, 15, 30, 45}, id="step"),
        pytest.param("10-50/20", MINUTE, {10, 30, 50}, id="range-step"),
        pytest.param("12-12", HOUR, {12}, id="equal-range-is-one-value"),
        pytest.param("17-9", HOUR, set(), id="reversed-range-selects-nothing"),
        pytest.param("*/60", MINUTE, {0}, id="step-larger-than-range"),
        pytest.param("JAN,jul,Dec", MONTH, {1, 7, 12}, id="month-names-any-case"),
        pytest.param("mon-fri", DOW, {1, 2, 3, 4, 5}, id="dow-names"),
        pytest.param("7", DOW, {0}, id="seven-is-sunday"),
        pytest.param("5-7", DOW, {5, 6, 0}, id="range-through-seven"),
        pytest.param("fri-sun", DOW, set(), id="sun-is-zero-so-reversed"),
        pytest.param("*/2", DOW, {0, 2, 4, 6}, id="dow-step"),
        pytest.param("05", MINUTE, {5}, id="leading-zero"),
        pytest.param("1#2", DOW, {1}, id="hash-suffix-ignored"),
        pytest.param("0.5", MINUTE, {0}, id="dot-suffix-ignored"),
        pytest.param("*x", MINUTE, set(range(60)), id="star-suffix-ignored"),
        pytest.param("31", DOM, {31}, id="dom-31"),
    ],
)
def test_field_values(text: str, spec: object, values: set[int]) -> None:
    f = parse_field(text, spec)  # type: ignore[arg-type]
    assert isinstance(f, Field), f
    assert f.values == frozenset(values)


@pytest.mark.parametrize(
    ("text", "spec", "message"),
    [
        pytest.param("0/15", MINUTE, "a step needs a range", id="step-on-single-value"),
        pytest.param("5-64/30", MINUTE, "64 is out of range 0-59", id="range-end-out-of-range"),
        pytest.param("60", MINUTE, "out of range", id="minute-60"),
        pytest.param("24", HOUR, "out of range", id="hour-24"),
        pytest.param("0", DOM, "out of range", id="dom-0"),
        pytest.param("13", MONTH, "out of range", id="month-13"),
        pytest.param("8", DOW, "out of range", id="dow-8"),
        pytest.param("L", DOM, "'L' is not a number", id="quartz-L"),
        pytest.param("5L", DOW, "unknown day-of-week name '5L'", id="quartz-5L"),
        pytest.param("15W", DOM, "is not a number", id="quartz-W"),
        pytest.param("?", DOM, "expected a number", id="quartz-question-mark"),
        pytest.param("Monday", DOW, "unknown day-of-week name", id="long-day-name"),
        pytest.param("*/0", MINUTE, "step 0 must be at least 1", id="step-zero"),
        pytest.param("1,,2", MINUTE, "expected a number", id="empty-list-element"),
        pytest.param("*/mon", DOW, "is not a number", id="name-as-step"),
        pytest.param("jan", MINUTE, "is not a number", id="name-in-minutes"),
    ],
)
def test_field_errors(text: str, spec: object, message: str) -> None:
    f = parse_field(text, spec)  # type: ignore[arg-type]
    assert isinstance(f, FieldError)
    assert message in f.message


@pytest.mark.parametrize(
    ("expr", "rule"),
    [
        ("0 0 1-7 * 0", "or"),
        ("0 0 */2 * 1", "and"),
        ("0 0 1 * *", "and"),
        ("0 0 * * 1", "and"),
        ("0 0 1-31 * 1", "or"),
    ],
)
def test_day_rule_follows_first_character(expr: str, rule: str) -> None:
    s = parse_schedule(expr)
    assert isinstance(s, CronSchedule)
    assert s.day_rule == rule


def test_macros_match_their_five_field_forms() -> None:
    pairs = {
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    }
    for macro, expr in pairs.items():
        five = parse_schedule(expr)
        assert isinstance(five, CronSchedule)
        assert fires.cron_pair(MACROS[macro]) == fires.cron_pair(five), macro


def _our_runs(expr: str, start: dt.datetime, count: int) -> list[dt.datetime]:
    s = parse_schedule(expr)
    assert isinstance(s, CronSchedule)
    days, times = fires.cron_pair(s)
    minutes = [m for m in range(1440) if (times >> m) & 1]
    out: list[dt.datetime] = []
    day = start.date()
    while len(out) < count:
        idx = daysets.day_index(day)
        if (days >> idx) & 1:
            for m in minutes:
                when = dt.datetime.combine(day, dt.time(m // 60, m % 60))
                if when > start:
                    out.append(when)
                    if len(out) == count:
                        break
        day += dt.timedelta(days=1)
    return out


ORACLE = Path(__file__).parents[2] / "oracle"


def _debian_reading(line: str) -> list[str]:
    """What Debian's own parser printed for ``line`` (tests/oracle: its fields as bit strings)."""
    cases = (ORACLE / "cases.txt").read_text().split("\n")
    printed = [x for x in (ORACLE / "debian_cron.txt").read_text().split("\n") if x and x[0] != "#"]
    return printed[cases.index(line)].split()


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        # An equal range with a step is one value for Debian: "6-6/11" in day-of-week is Saturday.
        ("29 19 4,2 sep 6-6 cmd", DOW, 6),
        ("54-39 * 15-25,4 3-6/8 6-6/11,* cmd", DOW, None),  # ",*" widens it to every day
        ("0 0 12-12 * * e", DOM, 12),
        ("38 12-12/5 10-30/7 FEB-jan 3-3 cmd", HOUR, 12),
    ],
)
def test_an_equal_range_is_one_value_as_debian_reads_it(
    line: str, field: object, value: int | None
) -> None:
    """Some evaluators (older cronsim, croniter) widen ``6-6/1``; Debian's parser reads one value,
    and so does cronmigrate: compared with Debian's own reading, not with theirs."""
    schedule = parse_schedule(" ".join(line.split()[:5]))
    assert isinstance(schedule, CronSchedule)
    ours = {
        DOW: schedule.dows | ({7} if 0 in schedule.dows else set()),
        DOM: schedule.doms,
        HOUR: schedule.hours,
    }[field]  # type: ignore[index]
    column, low = {DOW: (6, 0), DOM: (4, 1), HOUR: (3, 0)}[field]  # type: ignore[index]
    debian = {low + i for i, bit in enumerate(_debian_reading(line)[column]) if bit == "1"}
    assert set(ours) == debian
    if value is not None:
        assert set(ours) - {7} == {value} or set(ours) == {0, 7}


def test_an_equal_range_with_a_step_fires_once_a_month() -> None:
    start = dt.datetime(2027, 1, 1)
    assert _our_runs("0 0 6-6/1 * *", start, 3) == [
        dt.datetime(2027, 1, 6),
        dt.datetime(2027, 2, 6),
        dt.datetime(2027, 3, 6),
    ]
    assert _our_runs("0 12-12 * * *", start, 2) == [
        dt.datetime(2027, 1, 1, 12),
        dt.datetime(2027, 1, 2, 12),
    ]


@given(sparse_unix_expression(), st.integers(0, 3000))
def test_fire_times_agree_with_cronsim(expr: str, offset_days: int) -> None:
    """cronsim implements Vixie's day rule; compare the next 40 runs."""
    # cronsim before 2.9 widened an equal range such as 6-6/1 to the whole field; such ranges are
    # compared with Debian's own reading above instead, whatever cronsim's version.
    assume(not _has_equal_range(expr))
    start = dt.datetime(2026, 1, 1) + dt.timedelta(days=offset_days)
    theirs = list(itertools.islice(CronSim(expr.lower(), start), 40))
    assert _our_runs(expr, start, 40) == theirs


@given(unix_expression(), st.integers(0, 1440 * 800))
def test_masks_agree_with_minute_matcher(expr: str, minute: int) -> None:
    """The bit masks and the straightforward cron.c matcher agree on every minute."""
    s = parse_schedule(expr)
    assert isinstance(s, CronSchedule)
    when = dt.datetime(2027, 1, 1) + dt.timedelta(minutes=minute)
    by_matcher = matches(s, when.minute, when.hour, when.day, when.month, when.isoweekday() % 7)
    days, times = fires.cron_pair(s)
    idx = daysets.day_index(when.date())
    by_mask = bool((days >> idx) & 1) and bool((times >> (when.hour * 60 + when.minute)) & 1)
    assert by_matcher == by_mask


def test_a_day_field_starting_with_a_star_is_anded() -> None:
    """``*/2`` day-of-month with Monday: Mondays that are odd days (cron.c's '*' rule; croniter
    ORs them, so it is no oracle here)."""
    start = dt.datetime(2027, 3, 1)
    ours = _our_runs("0 0 */2 * 1", start, 6)
    assert ours == [  # after 1 March 00:00, a Monday on an odd day
        dt.datetime(2027, 3, 15),
        dt.datetime(2027, 3, 29),
        dt.datetime(2027, 4, 5),
        dt.datetime(2027, 4, 19),
        dt.datetime(2027, 5, 3),
        dt.datetime(2027, 5, 17),
    ]


def _day_stars_spelled(expr: str) -> str:
    """A day field with '*' that is not '*' alone spelled as its range ('*/2' → '1-31/2'):
    croniter ORs such a field where cron ANDs it (those lines are checked against Debian's
    reading above). Mapped, not filtered: filtering them out rejected most examples."""
    f = expr.split(" ", 5)
    if f[2] != "*":
        f[2] = f[2].replace("*", "1-31")
    if f[4] != "*":
        f[4] = f[4].replace("*", "0-6")
    return " ".join(f)


@given(sparse_unix_expression().map(_day_stars_spelled))
def test_fire_times_agree_with_croniter_where_it_follows_cron(expr: str) -> None:
    """croniter agrees with cron where it follows cron (day fields as spelled above)."""
    from croniter import croniter

    # croniter widens an equal range such as 12-12: checked against Debian's reading above.
    assume(not _has_equal_range(expr))
    start = dt.datetime(2027, 5, 1)
    it = croniter(expr, start)
    theirs = [it.get_next(dt.datetime) for _ in range(20)]
    assert _our_runs(expr, start, 20) == theirs
