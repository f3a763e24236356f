"""The EventBridge evaluator, against hand-checked dates and two independent implementations.

aws-croniter and pyawscron both have bugs of their own, so a test asserts that ours
agrees with at least one of them and with the hand-checked table; a disagreement is read,
not voted on.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cronmigrate.schedule import daysets
from cronmigrate.schedule.eventbridge import AwsCron, AwsCronError, evaluate, parse, render_values

UTC = dt.UTC


def our_runs(expr: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    ev = evaluate(parse(expr))
    minutes = [m for m in range(1440) if (ev.times >> m) & 1]
    out = []
    day = start.date()
    while day <= end.date():
        if (ev.days >> daysets.day_index(day)) & 1:
            for m in minutes:
                when = dt.datetime.combine(day, dt.time(m // 60, m % 60), UTC)
                if start <= when <= end:
                    out.append(when)
        day += dt.timedelta(days=1)
    return out


@pytest.mark.parametrize(
    ("expr", "first_three"),
    [
        ("cron(0 10 * * ? *)", ["2028-02-28 10:00", "2028-02-29 10:00", "2028-03-01 10:00"]),
        ("cron(0 0 L * ? *)", ["2028-02-29 00:00", "2028-03-31 00:00", "2028-04-30 00:00"]),
        ("cron(0 0 LW * ? *)", ["2028-02-29 00:00", "2028-03-31 00:00", "2028-04-28 00:00"]),
        ("cron(0 0 1W * ? *)", ["2028-03-01 00:00", "2028-04-03 00:00", "2028-05-01 00:00"]),
        ("cron(0 0 ? * MON#1 *)", ["2028-03-06 00:00", "2028-04-03 00:00", "2028-05-01 00:00"]),
        ("cron(0 0 ? * 6L *)", ["2028-03-31 00:00", "2028-04-28 00:00", "2028-05-26 00:00"]),
        ("cron(0/20 9 ? * 2-6 *)", ["2028-02-28 09:00", "2028-02-28 09:20", "2028-02-28 09:40"]),
        ("cron(15 12 29 FEB ? *)", ["2028-02-29 12:15", "2032-02-29 12:15", "2036-02-29 12:15"]),
        ("cron(0 0 1 1/3 ? *)", ["2028-04-01 00:00", "2028-07-01 00:00", "2028-10-01 00:00"]),
    ],
)
def test_hand_checked_dates(expr: str, first_three: list[str]) -> None:
    start = dt.datetime(2028, 2, 27, 12, 0, tzinfo=UTC)
    runs = our_runs(expr, start, start + dt.timedelta(days=365 * 9))[:3]
    assert [r.strftime("%Y-%m-%d %H:%M") for r in runs] == first_three


@pytest.mark.parametrize(
    "expr",
    [
        "cron(0 0 * * * *)",  # both day fields '*'
        "cron(0 0 1 * MON *)",  # both day fields set
        "cron(0 0 ? * MON/2 *)",  # no '/' in day-of-week
        "cron(0 0 ? * 3#1,6#3 *)",  # '#' allows one expression
        "cron(60 0 * * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 0 32 * ? *)",
        "cron(0 0 * 13 ? *)",
        "cron(0 0 ? * 8 *)",
        "cron(0 0 ? * FRI-MON *)",  # wrap-around: undocumented, never emitted
        "cron(0 0 * * ?)",  # five fields
        "cron(0 0 * * ? 1969)",
    ],
)
def test_rejects_what_eventbridge_rejects(expr: str) -> None:
    with pytest.raises(AwsCronError):
        parse(expr)


def test_render_values_round_trips() -> None:
    assert render_values(frozenset(range(60)), 0, 59) == "*"
    assert render_values(frozenset({0, 15, 30, 45}), 0, 59) == "0/15"
    assert render_values(frozenset({1, 2, 3, 7}), 1, 31) == "1-3,7"
    assert (
        render_values(
            frozenset({2, 3, 4, 5, 6}),
            1,
            7,
            ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"),
            step_ok=False,
        )
        == "MON-FRI"
    )


@st.composite
def aws_expression(draw: st.DrawFn) -> str:
    minute = str(draw(st.integers(0, 59)))
    hour = draw(st.sampled_from(["0", "7", "23", "1,13", "8-10", "0/6"]))
    month = draw(st.sampled_from(["*", "1", "2", "FEB", "1-6", "3,9", "1/3", "DEC"]))
    if draw(st.booleans()):
        dom = draw(
            st.sampled_from(
                [
                    "*",
                    "1",
                    "15",
                    "28",
                    "29",
                    "30",
                    "31",
                    "L",
                    "1-7",
                    "10-20",
                    "1/2",
                    "5/10",
                    "1,15,31",
                    "1W",
                    "15W",
                    "30W",
                ]
            )
        )  # LW crashes both: hand-checked above
        dow = "?"
    else:
        dom = "?"
        dow = draw(
            st.sampled_from(
                [
                    "*",
                    "1",
                    "7",
                    "MON",
                    "2-6",
                    "MON-FRI",
                    "1,7",
                    "SAT,SUN",
                    "2#1",
                    "6#3",
                    "1#5",
                    "2L",
                    "6L",
                ]
            )
        )
    return f"cron({minute} {hour} {dom} {month} {dow} *)"


def _aws_croniter_runs(expr: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    from aws_croniter import AwsCroniter

    body = expr[len("cron(") : -1]
    return [r.astimezone(UTC) for r in AwsCroniter(body).get_all_schedule_bw_dates(start, end)]


def _pyawscron_runs(expr: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    from pyawscron import AWSCron

    body = expr[len("cron(") : -1]
    return [r.astimezone(UTC) for r in AWSCron.get_all_schedule_bw_dates(start, end, body)]


@given(aws_expression(), st.integers(0, 2000))
def test_agrees_with_an_independent_implementation(expr: str, offset: int) -> None:
    start = dt.datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC) + dt.timedelta(days=offset)
    end = start + dt.timedelta(days=200)
    ours = our_runs(expr, start, end)
    others: list[list[object]] = []
    for impl in (_aws_croniter_runs, _pyawscron_runs):
        try:
            others.append([r for r in impl(expr, start, end) if start <= r <= end])
        except Exception as exc:
            others.append([f"{impl.__name__} failed: {exc!r}"])
    assert ours in others, (expr, ours[:3], [o[:3] for o in others])


def test_cycle_has_the_leap_days_it_should() -> None:
    ev = evaluate(AwsCron("0", "0", "29", "FEB", "?"))
    assert ev.days.bit_count() == 97  # leap years in 400 Gregorian years


def _subset(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.sets(st.integers(lo, hi), min_size=1).map(
        lambda vs: render_values(frozenset(vs), lo, hi)
    )


@given(
    minutes=_subset(0, 59),
    hours=_subset(0, 23),
    dom=_subset(1, 31),
    month=_subset(1, 12),
    limit=st.integers(40, 256),
)
def test_fit_cuts_long_expressions_into_schedules_that_fire_the_same(
    minutes: str, hours: str, dom: str, month: str, limit: int
) -> None:
    from cronmigrate.schedule import fires
    from cronmigrate.schedule.eventbridge import fit

    cron = AwsCron(minutes, hours, dom, month, "?")
    try:
        parts = fit(cron, limit)
    except AwsCronError:
        assert len(cron.expression) > limit  # no list left to cut: said, never emitted
        return
    assert all(len(p.expression) <= limit for p in parts)
    assert (len(parts) == 1) == (len(cron.expression) <= limit)
    cmp = fires.compare([fires.aws_pair(cron)], [fires.aws_pair(p) for p in parts])
    assert cmp.equal and cmp.duplicates == 0
