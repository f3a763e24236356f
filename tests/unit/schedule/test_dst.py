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
        ("30 2 * * *", False),  # in the spring gap
        ("*/15 * * * *", False),  # wildcard: twice in the autumn repeat
        ("0 * * * *", False),  # '*' hour makes it a wildcard job too
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
