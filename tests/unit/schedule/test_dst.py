"""Daylight saving time: Debian cron's main loop next to EventBridge Scheduler's rules."""

from __future__ import annotations

import datetime as dt

import pytest

from cronmigrate.diagnostics import rules
from cronmigrate.schedule import fires, timezones
from cronmigrate.schedule.local import local_crons
from cronmigrate.schedule.model import Status, Trigger
from cronmigrate.schedule.translate import Options
from cronmigrate.schedule.unix import CronSchedule, parse_schedule
from tests.helpers.schedules import run

UTC = dt.UTC


def sched(expr: str) -> CronSchedule:
    s = parse_schedule(expr)
    assert isinstance(s, CronSchedule)
    return s


def transition(zone: str, year: int, gap: bool) -> timezones.Transition:
    return next(t for t in timezones.transitions(zone, year, year) if t.is_gap == gap)


def utc(minute: int) -> str:
    return dt.datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%d %H:%M")


def test_berlin_transitions() -> None:
    trs = timezones.transitions("Europe/Berlin", 2027, 2027)
    assert [(utc(t.at), t.before, t.after) for t in trs] == [
        ("2027-03-28 01:00", 60, 120),
        ("2027-10-31 01:00", 120, 60),
    ]
    assert timezones.transitions("UTC", 2027, 2028) == ()
    assert timezones.transitions("Asia/Tokyo", 2027, 2028) == ()


def test_fixed_job_in_the_gap_runs_at_once_under_cron_and_never_under_scheduler() -> None:
    tr = transition("Europe/Berlin", 2027, gap=True)
    s = sched("30 2 * * *")
    assert [utc(u) for u in fires.debian_runs(s, tr)] == ["2027-03-28 01:00"]  # 03:00 CEST
    crons, _ = local_crons(s)
    assert fires.scheduler_runs(fires.aws_matcher(crons), tr) == []


def test_wildcard_job_skips_the_gap_under_both() -> None:
    tr = transition("Europe/Berlin", 2027, gap=True)
    s = sched("*/15 * * * *")
    crons, _ = local_crons(s)
    assert fires.debian_runs(s, tr) == fires.scheduler_runs(fires.aws_matcher(crons), tr)


def test_wildcard_job_runs_twice_in_the_repeated_hour_under_cron_only() -> None:
    tr = transition("Europe/Berlin", 2027, gap=False)
    s = sched("*/30 * * * *")
    ours = [utc(u) for u in fires.debian_runs(s, tr)]
    crons, _ = local_crons(s)
    theirs = [utc(u) for u in fires.scheduler_runs(fires.aws_matcher(crons), tr)]
    repeated = ["2027-10-31 01:00", "2027-10-31 01:30"]  # 02:00 and 02:30 CET, second time
    assert all(r in ours for r in repeated)
    assert not any(r in theirs for r in repeated)
    assert set(theirs) == set(ours) - set(repeated)


def test_fixed_job_in_the_repeated_hour_runs_once_under_both() -> None:
    tr = transition("Europe/Berlin", 2027, gap=False)
    s = sched("30 2 * * *")
    crons, _ = local_crons(s)
    assert fires.debian_runs(s, tr) == fires.scheduler_runs(fires.aws_matcher(crons), tr)
    assert [utc(u) for u in fires.debian_runs(s, tr)] == ["2027-10-31 00:30"]  # 02:30 CEST


def test_half_hour_dst_lord_howe() -> None:
    tr = transition("Australia/Lord_Howe", 2027, gap=True)
    assert tr.span == 30
    s = sched("15 2 * * *")
    assert len(fires.debian_runs(s, tr)) == 1
    crons, _ = local_crons(s)
    assert fires.scheduler_runs(fires.aws_matcher(crons), tr) == []


@pytest.mark.parametrize(
    ("expr", "verified"),
    [
        ("30 2 * * *", True),  # in the spring gap: a catch-up schedule runs it at 03:00
        ("*/15 * * * *", True),  # wildcard: twice in the autumn repeat, as UTC does
        ("0 * * * *", True),  # '*' hour makes it a wildcard job too: UTC
        ("15,45 2 * * *", False),  # two runs at 03:00 under cron: said, not faked
        ("*/15 2 * * 0", False),  # wildcard on Sundays: no single UTC form, no catch-up
        ("0 1 * * *", True),  # clear of both
        ("0 3 * * *", True),  # right after the gap: runs once either way
        ("15 2 * 6 *", True),  # June only: no change that month
    ],
)
def test_plan_status_in_berlin(expr: str, verified: bool) -> None:
    tr = run(expr, "Europe/Berlin", Options(Trigger.SCHEDULER, False, 2026, 2028))
    assert tr.verified is verified
    assert tr.status is (Status.OK if verified else Status.WARNING)
    if not verified:
        assert any(r.code == rules.DST_DRIFT.code for r in tr.reasons)


def test_rules_target_uniform_in_dst_zone_checks_transitions() -> None:
    tr = run("*/15 * * * *", "America/New_York", Options(Trigger.RULES, False, 2026, 2028))
    assert tr.verified, tr.reasons


# ------------------------------------------------------------------ exact across DST


def _fired(schedules: list[tuple[str, str]], tr: timezones.Transition) -> list[int]:
    """UTC minutes the emitted schedules fire around ``tr``: Scheduler's rules for a schedule
    in a zone (gaps skipped, repeats once), every minute as it comes for one in UTC."""
    from cronmigrate.schedule.eventbridge import parse

    runs: list[int] = []
    for expression, zone in schedules:
        match = fires.aws_matcher([parse(expression)])
        if zone == "UTC":
            runs += fires.utc_runs(match, tr)
        else:
            runs += fires.scheduler_runs(match, tr)
    return sorted(runs)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
@pytest.mark.parametrize("expr", ["17 * * * *", "*/20 * * * *", "5,35 * * * *"])
def test_a_job_every_hour_of_the_clock_is_exact_in_utc(zone: str, expr: str) -> None:
    """cron runs it in both repeated hours and not in the skipped one: so does UTC."""
    tr_ = run(expr, zone)
    assert tr_.verified and tr_.status is Status.OK
    assert {s.timezone for s in tr_.schedules} == {"UTC"}
    assert rules.IN_UTC.code in {r.code for r in tr_.reasons}
    s = sched(expr)
    for year in (2027, 2030):
        for gap in (True, False):
            tr = transition(zone, year, gap)
            expected = sorted(fires.debian_runs(s, tr))
            assert _fired([(x.expression, x.timezone) for x in tr_.schedules], tr) == expected


@pytest.mark.parametrize(
    ("zone", "catch_up"),
    [("Europe/Berlin", "cron(0 3 ? MAR 1L *)"), ("America/New_York", "cron(0 3 ? MAR 1#2 *)")],
)
def test_a_fixed_time_in_the_skipped_hour_gets_its_catch_up_run(zone: str, catch_up: str) -> None:
    tr_ = run("30 2 * * *", zone)
    assert tr_.verified, tr_.reasons
    assert [(x.expression, x.timezone) for x in tr_.schedules] == [
        ("cron(30 2 * * ? *)", zone),
        (catch_up, zone),
    ]
    s = sched("30 2 * * *")
    for year in (2026, 2031, 2040):  # beyond the proof's three years too
        for gap in (True, False):
            tr = transition(zone, year, gap)
            fired = _fired([(x.expression, x.timezone) for x in tr_.schedules], tr)
            assert fired == sorted(fires.debian_runs(s, tr)), (year, gap)


def test_a_zone_whose_rule_no_weekday_of_a_month_says_stays_a_warning() -> None:
    """Israel moves its clocks on the Friday before the last Sunday of March: the fourth
    Friday in some years, the fifth in others. No catch-up is guessed; the dates are said."""
    tr_ = run("30 2 * * *", "Asia/Jerusalem")
    assert not tr_.verified and tr_.status is Status.WARNING
    assert len(tr_.schedules) == 1
    dst = next(r for r in tr_.reasons if r.code == rules.DST_DRIFT.code)
    assert "clocks go forward" in dst.message


def test_a_repeated_fixed_time_run_twice_by_cron_is_not_guessed() -> None:
    """Two minutes in the skipped hour: cron runs the job twice at 03:00; one catch-up
    schedule would run it once. Said, not faked."""
    tr_ = run("15,45 2 * * *", "Europe/Berlin")
    assert not tr_.verified
    assert len(tr_.schedules) == 1
