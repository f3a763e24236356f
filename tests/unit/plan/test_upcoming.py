"""``upcoming_runs`` with a window's end: the instants of the unbounded search up to that end,
so that `status` (which counts a day's fires) reads no more days than the window holds."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cronmigrate.plan.build import upcoming_runs
from cronmigrate.schedule.model import EventBridgeSchedule

EXPRESSIONS = [
    "cron(0 3 * * ? *)",
    "cron(*/20 * * * ? *)",
    "cron(30 2 ? * 1 *)",
    "cron(0 3 ? MAR 1L *)",
    "cron(15 1,13 1,15 * ? *)",
    "cron(0 0 29 2 ? *)",
]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(EXPRESSIONS),
    st.sampled_from(ZONES),
    st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC)),
    st.integers(0, 60 * 24 * 40),
)
def test_a_window_end_keeps_exactly_the_instants_before_it(
    expression: str, zone: str, now: dt.datetime, minutes: int
) -> None:
    sched = (EventBridgeSchedule(expression, zone),)
    until = now + dt.timedelta(minutes=minutes)
    bounded = [dt.datetime.fromisoformat(t) for t in upcoming_runs(sched, now, 5000, until)]
    every = [dt.datetime.fromisoformat(t) for t in upcoming_runs(sched, now, len(bounded) + 1)]
    assert bounded == [t for t in every if t <= until]
    assert all(now < t <= until for t in bounded)
    assert bounded == sorted(bounded)


def test_every_twenty_minutes_for_a_day_is_72_fires() -> None:
    sched = (EventBridgeSchedule("cron(*/20 * * * ? *)", "UTC"),)
    now = dt.datetime(2026, 11, 25, 0, 0, tzinfo=dt.UTC) - dt.timedelta(seconds=1)
    runs = upcoming_runs(sched, now, 1000, now + dt.timedelta(days=1))
    assert len(runs) == 72 and runs[0] == "2026-11-25T00:00:00+00:00"
