"""The busiest minutes (plan/peaks.py) and plan's CM606 where they pass an account's quota."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cronmigrate.plan.build import upcoming_runs
from cronmigrate.plan.peaks import Load, busiest
from cronmigrate.schedule.model import EventBridgeSchedule
from tests.helpers import run_cli

MONDAY = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)


def load(expr: str, zone: str = "UTC", seconds: int = 10, lambda_run: bool = True) -> Load:
    return Load((EventBridgeSchedule(f"cron({expr})", zone),), seconds, lambda_run)


def test_daily_jobs_at_midnight_are_the_busiest_minute() -> None:
    loads = [load("0 0 * * ? *")] * 1200 + [load("30 2 * * ? *")] * 5
    peaks = busiest(loads, MONDAY)
    top = peaks.busiest_starts[0]
    assert top.minute == dt.datetime(2026, 12, 7, 0, 0, tzinfo=dt.UTC)
    assert (top.starts, top.running) == (1200, 1200)
    # every day of the week has the same peak; the next ones are the following midnights
    assert [p.minute.day for p in peaks.busiest_starts] == [7, 8, 9]


def test_a_local_zone_is_counted_in_utc() -> None:
    """01:00 in Berlin is 00:00 UTC in winter: both jobs' runs fall in the same UTC minute."""
    loads = [load("0 1 * * ? *", "Europe/Berlin"), load("0 0 * * ? *")]
    top = busiest(loads, MONDAY).busiest_starts[0]
    assert top.minute.hour == 0 and top.starts == 2


def test_long_runs_overlap_the_next_minutes_and_runcommand_is_not_lambda() -> None:
    loads = [load("0 0 * * ? *", seconds=150)] * 3 + [load("1 0 * * ? *")] * 2
    loads += [load("1 0 * * ? *", lambda_run=False)] * 7
    peaks = busiest(loads, MONDAY)
    running = peaks.busiest_running[0]
    # 00:01: three 150-second runs started at 00:00 and two Lambda runs started then
    assert running.minute.minute == 1 and running.running == 5
    # starts count every invocation, the Run Command ones too
    assert peaks.busiest_starts[0].starts == 9


EXPRS = ["0 0 * * ? *", "*/5 * * * ? *", "15 3 ? * MON-FRI *", "0 */6 1,15 * ? *", "59 23 L * ? *"]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(EXPRS), st.sampled_from(ZONES)), min_size=1, max_size=6),
    # and weeks across the end of the 400-year cycle the day masks cover (2000-01-01 + 400y)
    st.one_of(
        st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2030, 12, 31)),
        st.datetimes(dt.datetime(2399, 12, 20), dt.datetime(2400, 1, 5)),
    ),
)
def test_starts_over_the_week_are_the_runs_the_schedules_make(
    jobs: list[tuple[str, str]], start: dt.datetime
) -> None:
    """The week's starts, summed, equal the instants upcoming_runs lists for the same window
    (a separate walk through the same schedules, daylight-saving days included)."""
    base = start.replace(second=0, microsecond=0, tzinfo=dt.UTC)
    end = base + dt.timedelta(days=7)
    want = 0
    for expr, zone in jobs:
        s = (EventBridgeSchedule(f"cron({expr})", zone),)
        runs = upcoming_runs(
            s, base - dt.timedelta(microseconds=1), 20_000, end - dt.timedelta(microseconds=1)
        )
        want += len(runs)
    peaks = busiest([load(e, z) for e, z in jobs], base, top=7 * 1440)
    assert sum(p.starts for p in peaks.busiest_starts) == want


def test_plan_warns_where_runs_pass_the_concurrency(tmp_path: Path) -> None:
    """1,100 jobs at midnight: more Lambda runs at once than the default concurrency, and more
    Scheduler invocations than its default rate; 900 spread jobs: nothing to say."""
    tab = tmp_path / "tab"
    tab.write_text("".join(f"0 0 * * * /usr/bin/true {i}\n" for i in range(1100)))

    def cm606() -> list[str]:
        res = run_cli("plan", str(tab), "--format", "json", "--now", "2026-12-07T12:00:00Z")
        return [d["message"] for d in json.loads(res.stdout)["diagnostics"] if d["code"] == "CM606"]

    concurrency, rate = cm606()
    assert concurrency.startswith("1,100 Lambda runs at once at Tue 2026-12-08 00:00 UTC")
    assert "default concurrency of 1,000" in concurrency
    assert rate.startswith("1,100 runs are due at Tue 2026-12-08 00:00 UTC")
    tab.write_text("".join(f"{i % 60} {i % 24} * * * /usr/bin/true {i}\n" for i in range(900)))
    assert cm606() == []
