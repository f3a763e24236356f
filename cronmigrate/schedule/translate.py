"""Unix cron schedules → EventBridge ``cron()`` expressions, each one proven.

The local translation keeps the user's own spelling wherever EventBridge reads it the
same way (``0-30``, ``JAN,JUL``, ``MON-FRI``), and normalises what it reads differently or
not at all: day-of-week numbers (Unix 0-7 with Sunday 0 and 7 → names, EventBridge being
1-7 with SUN=1), ``*/n`` (→ ``0/n`` or ``1/n``, the form AWS documents), ranges with a
step (→ a list), reversed ranges (→ nothing).

Cron's day rule (``cron.c``): if either day field starts with ``*`` the two fields are
ANDed, otherwise ORed.  EventBridge needs ``?`` in one of them, so an OR of two
restricted fields becomes two schedules, and an AND of two restricted fields is refused
unless day-of-month is made of whole weeks (1-7, 8-14, …), which ``#`` can say.

``--target rules`` needs UTC: the local (days × minutes) set is shifted by the zone's
offset, regrouped into (days × minutes) rectangles and re-expressed, using ``L`` where a
shift lands on the last day of a month.  Every result goes through :func:`fires.compare`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from cronmigrate import aws_facts as aws
from cronmigrate.diagnostics import Diagnostic, Severity, SourceLocation, rules
from cronmigrate.diagnostics.rules import Rule
from cronmigrate.schedule import fires, timezones
from cronmigrate.schedule.eventbridge import (
    AwsCron,
    AwsCronError,
    fit,
)
from cronmigrate.schedule.grammar import expression_problems
from cronmigrate.schedule.local import MAX_SCHEDULES, Refusal, local_crons
from cronmigrate.schedule.model import EventBridgeSchedule, Proof, Status, Translation, Trigger
from cronmigrate.schedule.unix import (
    CronSchedule,
)
from cronmigrate.schedule.utc import _utc_for


class CronJob(Protocol):
    """What translation needs of a crontab entry (``crontab.model.CronJob`` has it)."""

    @property
    def location(self) -> SourceLocation: ...
    @property
    def raw(self) -> str: ...
    @property
    def schedule(self) -> CronSchedule | None: ...
    @property
    def disabled(self) -> bool: ...

    @property
    def migrated(self) -> str | None: ...


class Options(NamedTuple):
    trigger: Trigger = Trigger.SCHEDULER
    allow_drift: bool = False
    first_year: int = 2026  # the window of years whose DST changes are checked
    last_year: int = 2028


def _diag(rule: Rule, message: str, job: CronJob) -> Diagnostic:
    return rule.at(message, job.location, job.raw)


def _refused(
    code: Rule, message: str, job: CronJob, extra: Sequence[Diagnostic] = ()
) -> Translation:
    return Translation((), Status.REFUSED, (*extra, _diag(code, message, job)))


def _never_reason(s: CronSchedule) -> str:
    for f in s.fields:
        if f.reversed_ranges and not f.values:
            return (
                f"the reversed range {f.reversed_ranges[0]!r} selects nothing, "
                "so cron never runs it"
            )
    return f"no date matches {s.text!r} (for example day 30 of February), so cron never runs it"


DstDiff = tuple[timezones.Transition, Counter[int], Counter[int]]


def _times(runs: Counter[int], zone: str) -> str:
    shown = [timezones.fmt_local(u, zone)[11:] for u in sorted(runs)[:3]]
    return ", ".join(shown) + (", …" if len(runs) > 3 else "")


def _dst_detail(d: DstDiff, zone: str, target: str) -> str:
    tr, only_cron, only_aws = d
    change = "clocks go forward" if tr.is_gap else "clocks go back"
    parts = []
    if only_cron:
        parts.append(f"cron runs it at {_times(only_cron, zone)}, {target} does not")
    if only_aws:
        parts.append(f"{target} runs it at {_times(only_aws, zone)}, cron does not")
    return f"{timezones.fmt_local(tr.at, zone)[:10]} ({change}): " + "; ".join(parts)


def _dst_message(diffs: Sequence[DstDiff], zone: str, target: str, window: str) -> str:
    parts = []
    for gap in (True, False):
        items = [d for d in diffs if d[0].is_gap is gap]
        if not items:
            continue
        tr, only_cron, only_aws = items[0]
        change = "clocks go forward" if gap else "clocks go back"
        first = timezones.fmt_local(tr.at, zone)[:10]
        bits = []
        if only_cron:
            what = "catching up the skipped time" if gap else "again in the repeated hour"
            bits.append(f"cron runs it {what} ({_times(only_cron, zone)}) and {target} does not")
        if only_aws:
            bits.append(f"{target} runs it at {_times(only_aws, zone)} and cron does not")
        parts.append(f"when {change} ({len(items)}x in {window}, first {first}) " + "; ".join(bits))
    return "daylight saving time: " + "; ".join(parts)


def dst_differences(
    s: CronSchedule, crons: Sequence[AwsCron], zone: str, opts: Options, utc: bool
) -> list[DstDiff]:
    """Transitions around which cron and the target fire at different instants (a pure
    function of its arguments: a crontab's many jobs on the same schedule ask it once)."""
    key = (s, tuple(crons), zone, opts, utc)
    try:
        found = _DST_CACHE.get(key)
    except TypeError:  # an unhashable value: compute it
        return _dst_differences(s, crons, zone, opts, utc)
    if found is None:
        if len(_DST_CACHE) > 4096:
            _DST_CACHE.clear()
        found = _DST_CACHE[key] = _dst_differences(s, crons, zone, opts, utc)
    return list(found)


_DST_CACHE: dict[object, list[DstDiff]] = {}


def _dst_differences(
    s: CronSchedule, crons: Sequence[AwsCron], zone: str, opts: Options, utc: bool
) -> list[DstDiff]:
    out: list[DstDiff] = []
    trs = timezones.transitions(zone, opts.first_year, opts.last_year)
    if not trs:
        return out
    truth = fires.cron_pair(s)
    matcher = fires.aws_matcher(crons)
    for tr in trs:
        if not utc and not fires.affected(truth, tr):
            continue
        cron_runs = Counter(fires.debian_runs(s, tr))
        target = fires.utc_runs(matcher, tr) if utc else fires.scheduler_runs(matcher, tr)
        aws_runs = Counter(target)
        if cron_runs != aws_runs:
            out.append((tr, cron_runs - aws_runs, aws_runs - cron_runs))
    return out


def _schedules(crons: Sequence[AwsCron], zone: str) -> tuple[EventBridgeSchedule, ...]:
    return tuple(EventBridgeSchedule(c.expression, zone) for c in crons)


def translate(job: CronJob, zone: str, opts: Options) -> Translation:
    """Translate and prove one job. A job ``cutover`` switched over keeps its schedules (it
    runs on AWS now, and generate writes it again), with the one note that says so."""
    tr = _translate(job, zone, opts)
    if not job.migrated or tr.status is Status.REFUSED:
        return tr
    note = _diag(
        rules.MIGRATED,
        f"switched over to {job.migrated} by cronmigrate cutover "
        "(`cutover --undo` restores the line)",
        job,
    )
    return tr._replace(status=Status.MIGRATED, reasons=(note,))


def _translate(job: CronJob, zone: str, opts: Options) -> Translation:
    if job.disabled and not job.migrated:  # a migrated line is commented out for cron only
        return Translation(
            (),
            Status.DISABLED,
            (_diag(rules.DISABLED, "commented out: not migrated", job),),
        )
    s = job.schedule
    if s is None:
        return _refused(
            rules.REBOOT,
            "@reboot runs when the server boots; there is no boot "
            "to schedule on AWS (run it once at deploy time instead)",
            job,
        )
    if not timezones.is_valid(zone):
        return _refused(rules.UNKNOWN_TIMEZONE, f"unknown time zone {zone!r}", job)
    return _translate_schedule(s, job, zone, opts)


def _translate_schedule(s: CronSchedule, job: CronJob, zone: str, opts: Options) -> Translation:
    truth = fires.cron_pair(s)
    if not truth[0] or not truth[1]:
        return _refused(rules.NEVER_RUNS, _never_reason(s), job)
    try:
        local, notes = local_crons(s)
    except Refusal as r:
        return _refused(r.code, r.message, job)
    reasons = [n._replace(location=job.location, text=job.raw) for n in notes]
    offs = timezones.offsets(zone, opts.first_year, opts.last_year)
    utc = opts.trigger is Trigger.RULES and offs != (0,)
    out_zone = "UTC" if opts.trigger is Trigger.RULES else zone
    drift: list[str] = []
    if not utc:
        crons = local
        truths = [truth]
    elif len(offs) == 1:
        truths = fires.shift_pairs(truth, offs[0])
        made = _utc_for(local, offs[0])
        if made is None:
            return _refused(
                rules.NO_UTC_FORM,
                f"no exact UTC form of {s.text!r} at {timezones.fmt_offset(offs[0])} ({zone})",
                job,
            )
        crons = made
    else:
        per_offset = {off: _utc_for(local, off) for off in offs}
        texts = {
            off: tuple(sorted(c.expression for c in made)) if made is not None else None
            for off, made in per_offset.items()
        }
        uniform = len(set(texts.values())) == 1 and None not in texts.values()
        if uniform:
            crons = per_offset[offs[0]] or []
            truths = fires.shift_pairs(truth, offs[0])
        else:
            main = _main_offset(zone, opts)
            why = (
                f"{zone} changes its UTC offset ({', '.join(map(timezones.fmt_offset, offs))}) "
                "and classic EventBridge rules run in UTC, so no cron() fires at "
                f"{s.text!r} local time all year"
            )
            chosen = per_offset.get(main)
            if not opts.allow_drift or chosen is None:
                hint = (
                    "; use the default EventBridge Scheduler target (it takes the time zone),"
                    " or --allow-drift"
                )
                return _refused(rules.NO_UTC_FORM, why + hint, job, reasons)
            crons = chosen
            truths = fires.shift_pairs(truth, main)
            for off in offs:
                if off != main:
                    minutes = off - main
                    later = "earlier" if minutes < 0 else "later"
                    drift.append(
                        f"while {zone} is at {timezones.fmt_offset(off)} the rule "
                        f"runs {abs(minutes)} minutes {later} on the local clock "
                        "than cron did"
                    )
            reasons.append(
                _diag(
                    rules.UTC_DRIFT,
                    "drift accepted (--allow-drift): " + "; ".join(drift),
                    job,
                )
            )
    try:  # AWS takes at most 256 characters: longer ones become several schedules
        crons = [part for c in crons for part in fit(c, aws.SCHEDULE_EXPRESSION_MAX)]
    except AwsCronError as exc:
        return _refused(rules.UNVERIFIED, f"internal: {exc}", job)
    if len(crons) > MAX_SCHEDULES:
        return _refused(
            rules.NO_UTC_FORM,
            f"needs {len(crons)} EventBridge schedules (more than {MAX_SCHEDULES})",
            job,
            reasons,
        )
    before = list(reasons)
    result = _prove(s, job, zone, out_zone, crons, truths, reasons, opts, utc, bool(drift))
    if (
        opts.trigger is Trigger.SCHEDULER
        and result.status is not Status.REFUSED
        and result.proof is not None
        and result.proof.dst_differences
    ):
        exact = _exact_across_dst(s, job, zone, local, truth, before, opts)
        if exact is not None:
            return exact
    return result


def _exact_across_dst(
    s: CronSchedule,
    job: CronJob,
    zone: str,
    local: Sequence[AwsCron],
    truth: fires.Pair,
    reasons: list[Diagnostic],
    opts: Options,
) -> Translation | None:
    """A form that keeps cron's behaviour across the zone's changes, proven, where the zone's
    own form does not: the schedule in UTC (a job every hour of the clock), or the zone's form
    with a catch-up schedule for what the spring-forward change skips."""
    offs = timezones.offsets(zone, opts.first_year, opts.last_year)
    per_offset = {off: _utc_for(local, off) for off in offs}
    forms = {tuple(sorted(c.expression for c in m)) if m else None for m in per_offset.values()}
    made = per_offset[offs[0]]
    if len(forms) == 1 and made is not None:
        note = _diag(
            rules.IN_UTC,
            f"in UTC: every hour of the clock, so {zone}'s changes move no run; cron runs it in "
            f"both repeated hours and not in the skipped one, which the same expression in "
            f"{zone} would not do",
            job,
        )
        try:
            crons = [part for c in made for part in fit(c, aws.SCHEDULE_EXPRESSION_MAX)]
        except AwsCronError:
            crons = []
        if crons:
            shifted = fires.shift_pairs(truth, offs[0])
            utc = _prove(s, job, zone, "UTC", crons, shifted, [*reasons, note], opts, True, False)
            if utc.verified:
                return utc
    # A zone's rule is a weekday of a month: 28 years hold every weekday a date can fall on,
    # so a day that only looks like "the fourth Friday" in a short window is found out.
    long = opts._replace(last_year=opts.first_year + CATCH_UP_YEARS - 1)
    diffs = dst_differences(s, local, zone, long, False)
    extra = _catch_up(diffs, zone)
    if extra is None:
        return None
    when = _rule_text(extra)
    note = _diag(
        rules.CATCH_UP,
        f"a second schedule, {extra.expression} in {zone}, runs it {when}, when clocks go "
        "forward and its time does not exist: Debian's cron runs it then, EventBridge "
        "Scheduler alone would skip it",
        job,
    )
    caught = _prove(
        s, job, zone, zone, local, [truth], [*reasons, note], long, False, False, [extra]
    )
    return caught if caught.verified else None


CATCH_UP_YEARS = 28
_DOW_NUMBER = {6: 1, 0: 2, 1: 3, 2: 4, 3: 5, 4: 6, 5: 7}  # Python's weekday → EventBridge's
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _catch_up(diffs: Sequence[DstDiff], zone: str) -> AwsCron | None:
    """The schedule that runs, on the day of each spring-forward change, what Debian's cron
    runs right after it: one minute of that day, on a day EventBridge can name (the zone's
    rule: the n-th or last weekday of a month). None when the differences are anything else."""
    minutes: set[int] = set()
    days: list[dt.date] = []
    for tr, only_cron, only_aws in diffs:
        if not tr.is_gap or only_aws or not only_cron or any(n != 1 for n in only_cron.values()):
            return None
        locals_ = {u + tr.after for u in only_cron}
        minutes |= {m % (24 * 60) for m in locals_}
        days += [dt.date(1970, 1, 1) + dt.timedelta(days=m // (24 * 60)) for m in locals_]
    if len(minutes) != 1 or not days:
        return None
    hour, minute = divmod(minutes.pop(), 60)
    months = {d.month for d in days}
    weekdays = {d.weekday() for d in days}
    if len(months) != 1 or len(weekdays) != 1:
        return None
    month, weekday = months.pop(), weekdays.pop()
    nth = {(d.day - 1) // 7 + 1 for d in days}
    last = all((d + dt.timedelta(days=7)).month != d.month for d in days)
    dow = _DOW_NUMBER[weekday]
    if len(nth) == 1 and nth != {5}:
        spec = f"{dow}#{nth.pop()}"
    elif last:
        spec = f"{dow}L"
    else:
        return None
    return AwsCron(str(minute), str(hour), "?", _MONTHS[month - 1], spec)


def _rule_text(c: AwsCron) -> str:
    """``03:00 on the last Sunday of March``: a catch-up schedule in words."""
    python_weekday = {v: k for k, v in _DOW_NUMBER.items()}
    day = _DAY_NAMES[python_weekday[int(c.dow[0])]]
    month = calendar.month_name[_MONTHS.index(c.month) + 1]
    which = (
        "last"
        if c.dow.endswith("L")
        else ("first", "second", "third", "fourth")[int(c.dow[-1]) - 1]
    )
    return f"at {int(c.hours):02d}:{int(c.minutes):02d} on the {which} {day} of {month}"


def _prove(
    s: CronSchedule,
    job: CronJob,
    zone: str,
    out_zone: str,
    crons: Sequence[AwsCron],
    truths: Sequence[fires.Pair],
    reasons: list[Diagnostic],
    opts: Options,
    utc: bool,
    drifting: bool,
    extra: Sequence[AwsCron] = (),
) -> Translation:
    """``crons`` against cron's fire times; ``extra`` (catch-up schedules) only in the
    daylight-saving check, whose instants they are."""
    for c in crons:
        problems = expression_problems(c.expression)
        if problems:  # a bug in our own rendering: never hand AWS what it refuses
            why = f"internal: emitted {c.expression}, which AWS refuses: {problems[0]}"
            return _refused(rules.UNVERIFIED, why, job)
    try:
        cmp = fires.compare(truths, [fires.aws_pair(c) for c in crons])
    except AwsCronError as exc:  # pragma: no cover - a bug in our own rendering
        return _refused(rules.UNVERIFIED, f"internal: emitted an invalid expression: {exc}", job)
    if not cmp.equal:
        return _refused(
            rules.UNVERIFIED,
            (
                f"the EventBridge form does not fire at the same instants ({cmp.missing} "
                f"missing, {cmp.extra} extra per 400 years): refused"
            ),
            job,
            reasons,
        )
    diffs = [] if drifting else dst_differences(s, [*crons, *extra], zone, opts, utc)
    window = f"{opts.first_year}-{opts.last_year}"
    target = "the UTC rule" if utc else "EventBridge Scheduler"
    dst = [_dst_detail(d, zone, target) for d in diffs]
    if diffs:
        message = _dst_message(diffs, zone, target, window)
        reasons.append(_diag(rules.DST_DRIFT, message, job))
    if cmp.duplicates:
        reasons.append(
            _diag(
                rules.DAY_OR_DUPLICATES,
                f"on days matching both fields the two schedules fire at the "
                f"same minute ({cmp.duplicates} such instants per 400 years): "
                "the target is invoked twice where cron ran once",
                job,
            )
        )
    proof = fires_proof(cmp.equal and not drifting, cmp.duplicates, tuple(dst), window)
    worst = max((r.severity for r in reasons), default=Severity.INFO)
    status = Status.WARNING if worst >= Severity.WARNING or not proof.verified else Status.OK
    return Translation(_schedules([*crons, *extra], out_zone), status, tuple(reasons), proof)


def fires_proof(equal: bool, duplicates: int, dst: tuple[str, ...], window: str) -> Proof:
    return Proof(
        equal_local=equal,
        duplicates_per_cycle=duplicates,
        dst_differences=dst,
        horizon=f"all dates (400-year cycle); DST changes {window}",
    )


def _main_offset(zone: str, opts: Options) -> int:
    """The offset in force for the most minutes of the window."""
    start = timezones.minute_of(dt.datetime(opts.first_year, 1, 1, tzinfo=dt.UTC))
    end = timezones.minute_of(dt.datetime(opts.last_year + 1, 1, 1, tzinfo=dt.UTC))
    spans: Counter[int] = Counter()
    t, off = start, timezones.offset_at(zone, start)
    for tr in timezones.transitions(zone, opts.first_year, opts.last_year):
        spans[off] += tr.at - t
        t, off = tr.at, tr.after
    spans[off] += end - t
    return max(sorted(spans), key=lambda o: spans[o])
