"""Crontab files + options → a :class:`Plan` (pure data; nothing is printed here)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from cronmigrate import aws_facts as aws
from cronmigrate import jobindex
from cronmigrate.analysis.walker import Analysis, Needs, analyse
from cronmigrate.crontab.model import CronJob, Crontab, CrontabKind
from cronmigrate.crontab.read import read_crontabs
from cronmigrate.diagnostics import Diagnostic, Severity, SourceLocation, echo, rules
from cronmigrate.errors import UsageError
from cronmigrate.jobindex import Identity, Previous
from cronmigrate.plan.cost import CostOptions, job_cost
from cronmigrate.plan.groups import groups_of, previous_groups, roles_mode
from cronmigrate.plan.identity import (
    Namer,
    Naming,
    identities,
    job_key,
    job_source,
    kept_names,
    server_path,
)
from cronmigrate.plan.model import CrontabFile, JobPlan, Plan
from cronmigrate.plan.peaks import Load, Peak, busiest
from cronmigrate.schedule import daysets, fires, timezones
from cronmigrate.schedule.describe import describe
from cronmigrate.schedule.eventbridge import parse as parse_aws
from cronmigrate.schedule.model import EventBridgeSchedule, Status, Translation, Trigger
from cronmigrate.schedule.translate import Options, translate
from cronmigrate.settings import ConfigError, JobSettings, Settings

# Findings about a job's line that belong to that job (a pasted Quartz field in its command
# is an error of the job cron runs, not a malformed line).
_LINE_NOTES = frozenset(
    {
        rules.IGNORED_TEXT.code,
        rules.REVERSED_RANGE.code,
        rules.BAD_COMMAND_START.code,
        rules.STEP_TOO_LARGE.code,
    }
)


class PlanOptions(NamedTuple):
    timezone: str = "UTC"
    trigger: Trigger = Trigger.SCHEDULER
    allow_drift: bool = False
    forced_kind: CrontabKind | None = None
    now: dt.datetime | None = None  # default: the current time
    root: Path | None = None  # a copy of the server's files: scripts are followed under it
    analyse: bool = True  # read commands and scripts for what cannot move to Lambda
    cost: CostOptions | None = None  # estimate each job's monthly cost with these
    settings: Settings = Settings()  # cronmigrate.yaml: names, per-job settings, targets
    target_default: str = "lambda"  # where a job runs unless its settings say: or runcommand
    host: str = ""  # generate --host: the server's name, part of every job's identity
    name_jobs: bool = True  # name each job and match it to its settings (not for lint)
    previous: Previous = Previous.empty()  # the output generated before: names are kept
    against: Path | None = None  # an output directory: read its job index into previous

    @property
    def moment(self) -> dt.datetime:
        return self.now if self.now is not None else dt.datetime.now(dt.UTC)


def build_plan(paths: Sequence[str], opts: PlanOptions, stdin_text: str | None = None) -> Plan:
    if not timezones.is_valid(opts.timezone):
        raise UsageError(
            f"unknown time zone {opts.timezone!r} (use an IANA name such as Europe/Berlin)"
        )
    tabs, diags = read_crontabs(list(paths), opts.forced_kind, stdin_text)
    if opts.against is not None:  # the output generated before: its names are kept
        where = opts.root or Path("/")
        digests: dict[str, str] = {}
        for t in tabs:
            sha = hashlib.sha256(t.text.encode("utf-8", "surrogateescape")).hexdigest()
            digests[t.path] = digests[server_path(t.path, where)] = sha
        opts = opts._replace(previous=jobindex.previous(opts.against, digests))
    return with_quotas(plan_crontabs(tabs, diags, opts), opts.settings.roles, opts.moment)


def with_quotas(plan: Plan, roles: str, now: dt.datetime) -> Plan:
    """Warn where deploying every migratable job passes an account's default quota: a
    schedule (or rule) per EventBridge expression; an execution role per function plus a
    scheduler role per nested stack, unless the functions of each nested stack share a role
    (``roles: per-group``, and ``auto`` beyond aws_facts.ROLES_BUDGET), which plan says;
    the busiest minute of the week from ``now`` against Lambda's concurrency and
    Scheduler's invocation rate (facts and sources in aws_facts)."""
    jobs = [j for j in plan.jobs if j.status in (Status.OK, Status.WARNING, Status.MIGRATED)]
    if not jobs:
        return plan
    groups = len(groups_of([j for j in jobs if j.function], previous_groups(plan.previous)))
    schedules = sum(len(j.translation.schedules) for j in jobs)
    per_job = len(jobs) + groups
    where = SourceLocation(plan.files[0] if plan.files else "-", 0)
    notes: list[Diagnostic] = []
    mode, why = roles_mode(roles, len(jobs), groups)
    shared = mode == "per-group"
    if shared:
        notes.append(
            rules.ACCOUNT_QUOTA.at(
                f"{len(jobs):,} jobs: the functions of each of the {groups:,} nested stacks "
                f"share one execution role ({2 * groups:,} roles): {why}",
                where,
            )
        )
    counts = [] if shared else [(per_job, aws.IAM_ROLES_DEFAULT, "IAM roles")]
    if plan.trigger is Trigger.RULES:
        counts.append((schedules, aws.EVENTBRIDGE_RULES_DEFAULT, "EventBridge rules"))
    else:
        counts.append((schedules, aws.SCHEDULER_SCHEDULES_DEFAULT, "Scheduler schedules"))
    notes += [
        rules.ACCOUNT_QUOTA.at(
            f"{n:,} {what} for {len(jobs):,} jobs: more than an account's default quota of "
            f"{limit:,}; raise it through Service Quotas before deploying",
            where,
        )
        for n, limit, what in counts
        if n > limit
    ]
    notes += busy_minutes(plan, jobs, where, now)
    return plan._replace(diagnostics=plan.diagnostics + tuple(notes)) if notes else plan


def busy_minutes(
    plan: Plan, jobs: Sequence[JobPlan], where: SourceLocation, now: dt.datetime
) -> list[Diagnostic]:
    """CM606 where the week's busiest minute passes Lambda's default concurrency (runs at
    once, with each job's expected duration) or Scheduler's invocation rate (starts)."""
    loads = [
        Load(j.translation.schedules, j.settings.expected_duration, j.target != "runcommand")
        for j in jobs
    ]
    peaks = busiest(loads, now)
    out: list[Diagnostic] = []

    def when(p: Peak) -> str:
        return p.minute.strftime("%a %Y-%m-%d %H:%M UTC")

    top = peaks.busiest_running[0] if peaks.busiest_running else None
    if top is not None and top.running > aws.LAMBDA_CONCURRENCY_DEFAULT:
        others = ", ".join(f"{when(p)} ({p.running:,})" for p in peaks.busiest_running[1:])
        out.append(
            rules.BUSY_MINUTE.at(
                f"{top.running:,} Lambda runs at once at {when(top)} ({top.starts:,} start "
                f"then; runs last their expected_duration): more than Lambda's default "
                f"concurrency of {aws.LAMBDA_CONCURRENCY_DEFAULT:,} per account and Region"
                + (f"; next busiest {others}" if others else "")
                + ". Runs beyond it start late, or not at all once older than "
                "max_event_age_seconds: raise 'Concurrent executions' through Service "
                "Quotas, or move some of these jobs to other minutes",
                where,
            )
        )
    first = peaks.busiest_starts[0] if peaks.busiest_starts else None
    if (
        plan.trigger is Trigger.SCHEDULER
        and first is not None
        and first.starts > aws.SCHEDULER_INVOCATIONS_PER_SECOND
    ):
        out.append(
            rules.BUSY_MINUTE.at(
                f"{first.starts:,} runs are due at {when(first)}: EventBridge Scheduler "
                f"invokes {aws.SCHEDULER_INVOCATIONS_PER_SECOND:,} targets a second by "
                "default (fewer outside its primary Regions), and throttled invocations "
                "are retried (delivery_retries, max_event_age_seconds): raise its "
                "'Invocations throttle limit' through Service Quotas, or move some of these "
                "jobs to other minutes",
                where,
            )
        )
    return out


def plan_crontabs(
    tabs: Sequence[Crontab], diags: list[Diagnostic], opts: PlanOptions, next_runs: bool = True
) -> Plan:
    """Translate, prove, analyse, name and cost every job of already-read crontabs (``lint``
    shares this): each job once."""
    now = opts.moment
    year = now.astimezone(dt.UTC).year
    topts = Options(opts.trigger, opts.allow_drift, year, year + 2)
    settings = opts.settings
    where = opts.root or Path("/")  # server paths: names and settings keys
    cache: dict[tuple[object, ...], Translation] = {}
    runs_cache: dict[tuple[EventBridgeSchedule, ...], tuple[str, ...]] = {}
    line_notes: dict[tuple[str, int], list[Diagnostic]] = {}
    for tab in tabs:
        lines = {job.location.line for job in tab.jobs}
        for d in tab.diagnostics:
            if d.code in _LINE_NOTES and d.location.line in lines:
                line_notes.setdefault((tab.path, d.location.line), []).append(d)
            else:
                diags.append(d)
    all_jobs = [job for tab in tabs for job in tab.jobs]
    sources = [job_source(job, where) for job in all_jobs]
    names: Names = _name_jobs(all_jobs, sources, opts) if opts.name_jobs else _unnamed(all_jobs)
    jobs: list[JobPlan] = []
    for i, job in enumerate(all_jobs):
        zone = job.timezone or opts.timezone
        key = (job.schedule, job.disabled, zone, job.migrated)
        if key not in cache:
            cache[key] = translate(job, zone, topts)
        js = names.settings[i]
        target = js.target or opts.target_default
        notes = line_notes.get((job.location.path, job.location.line), [])
        found: Analysis | None = None
        live = not job.disabled or job.migrated is not None  # a migrated job runs on AWS
        if opts.analyse and live:
            if target == "runcommand":
                notes = [*notes, *_runcommand_notes(job, js, settings.target_tag_key)]
            else:
                needs = Needs(
                    js.architecture,
                    frozenset(js.provides),
                    js.accept_missing,
                    js.requirements,
                )
                found = analyse(job, opts.root, needs)
                notes = [*notes, *found.findings, *recommend_target(job, found.findings)]
                if found.architecture and not js.architecture:
                    js = dataclasses.replace(js, architecture=found.architecture)
        tr = _relocate(cache[key], job, notes)
        if tr.schedules not in runs_cache:
            runs_cache[tr.schedules] = (
                upcoming_runs(tr.schedules, now) if tr.schedules and next_runs else ()
            )
        name = names.keys[i]
        jp = JobPlan(
            job,
            zone,
            tr,
            describe(job.schedule) if next_runs else "",
            runs_cache[tr.schedules],
            analysis=found,
            source=sources[i],
            key=name,
            function=f"{settings.name_prefix}{name}" if name else "",
            settings_key=names.settings_keys[i],
            settings=js,
            target=target,
            identity=names.identities[i],
        )
        if opts.cost is not None and live and tr.status is not Status.REFUSED:
            jp = jp._replace(cost=job_cost(jp, opts.cost._replace(trigger=opts.trigger)))
        jobs.append(jp)
    counts = Counter(j.status.value for j in jobs)
    summary = {
        "jobs": len(jobs),
        "ok": counts["ok"],
        "warning": counts["warning"],
        "refused": counts["refused"],
        "cannot_run": sum(1 for j in jobs if cannot_run(j)),
        "disabled": counts["disabled"],
        "migrated": counts["migrated"],
        # lines, not findings: a line with two errors is one malformed line
        "malformed": len(
            {(d.location.path, d.location.line) for d in diags if d.severity is Severity.ERROR}
        ),
        "schedules": sum(len(j.translation.schedules) for j in jobs),
    }
    crontabs = tuple(
        CrontabFile(
            t.path,
            server_path(t.path, where),
            hashlib.sha256(t.text.encode("utf-8", "surrogateescape")).hexdigest(),
        )
        for t in tabs
    )
    return Plan(
        tuple(jobs),
        tuple(diags),
        tuple(t.path for t in tabs),
        opts.trigger,
        opts.timezone,
        summary,
        crontabs,
        settings.name_prefix,
        opts.previous,
    )


class Names(NamedTuple):
    """Each job's identity, name (key), settings key and settings, by the plan's order."""

    identities: list[Identity | None]
    keys: list[str]
    settings_keys: list[str | None]
    settings: list[JobSettings]


def _unnamed(jobs: Sequence[CronJob]) -> Names:
    """lint names no job and reads no settings."""
    n = len(jobs)
    return Names([None] * n, [""] * n, [None] * n, [JobSettings()] * n)


def _name_jobs(jobs: Sequence[CronJob], sources: Sequence[str], opts: PlanOptions) -> Names:
    """Identities, then the names kept from the previous output, then each job's settings
    (keyed by its name or its FILE:LINE on the server; ``name:`` renames it), then names for
    the rest."""
    settings, previous = opts.settings, opts.previous
    where = opts.root or Path("/")
    ids = identities(jobs, where, opts.host)
    kept = kept_names(list(zip(jobs, ids, sources, strict=True)), previous, settings.name_prefix)
    matched: dict[str, int] = {}
    settings_keys: list[str | None] = []
    chosen: list[JobSettings] = []
    naming: list[Naming] = []
    for i, job in enumerate(jobs):
        proposed = job_key(job, ids[i], settings.name_prefix)
        candidates = [k for k in (kept[i], proposed) if k]
        settings_key = settings.key_for(sources[i], candidates)
        if settings_key is not None:
            matched[settings_key] = i
        js = settings.jobs[settings_key] if settings_key is not None else settings.defaults
        settings_keys.append(settings_key)
        chosen.append(js)
        naming.append(Naming(job, ids[i], kept[i], js.name))
    keys = Namer(settings.name_prefix).assign(naming)
    read = {source.rsplit(":", 1)[0] for source in sources}
    _check_every_key_matched(settings, set(matched), read, previous)
    _check_line_keys_still_name_their_job(settings, previous, matched, jobs, ids, keys)
    return Names(list(ids), keys, settings_keys, chosen)


def _check_every_key_matched(
    settings: Settings, matched: set[str], read: set[str], previous: Previous
) -> None:
    """A key that matches no job is a typo, or a job that is gone: an error. Not a key of a
    crontab this run does not read (FILE:LINE of another file, or the name of a job the
    previous output had in another crontab)."""
    elsewhere = {
        str(j.get(k))
        for j in previous.jobs
        if str(j.get("crontab", "")) not in read
        for k in ("key", "function")
    }

    def unread(key: str) -> bool:
        path, sep, line = key.rpartition(":")
        if sep and line.isdigit() and path:
            return "/" + path.lstrip("/") not in read
        return key in elsewhere or settings.name_prefix + key in elsewhere

    unused = [k for k in settings.jobs if k not in matched and not unread(k)]
    if unused:  # a typo, or a path as typed instead of as on the server: say so
        where = settings.job_where.get(unused[0], settings.path or "cronmigrate.yaml")
        raise ConfigError(
            f"{where}: jobs: {unused[0]!r} matches no job (keys are job names or "
            "FILE:LINE with the crontab's path on the server, e.g. /etc/cron.d/backup:3)"
        )


def _check_line_keys_still_name_their_job(
    settings: Settings,
    previous: Previous,
    matched: dict[str, int],
    jobs: Sequence[CronJob],
    ids: Sequence[Identity],
    keys: Sequence[str],
) -> None:
    """A ``FILE:LINE`` key names a line, and lines move: when the line a key matched last time
    now holds another command, the settings would silently go to another job. Stop there."""
    for key, i in matched.items():
        then = previous.settings_keys.get(key)
        if then is None or then.get("identity") is None:
            continue
        was = Identity.from_json(then["identity"])
        if was is None or was.same_command == ids[i].same_command:
            continue
        where = settings.job_where.get(key, settings.path or "cronmigrate.yaml")
        named = str(then.get("key") or then.get("function", ""))
        raise ConfigError(
            f"{where}: jobs: {key!r} was written for {echo(was.command, 80)!r}, but that line "
            f"now holds {echo(jobs[i].command, 80)!r}; key these settings by the job's name "
            f"instead ({named!r} for the first, {keys[i]!r} for the second), so that they "
            "stay with their job"
        )


def _runcommand_notes(job: CronJob, js: JobSettings, reserved: str) -> list[Diagnostic]:
    """A job that stays on its server (target: runcommand) needs instances to run on; a tag
    that is not the reserved key lets whoever may tag instances choose them."""
    tags = [i[len("tag:") :] for i in js.instances if i.startswith("tag:")]
    if tags and tags[0].split("=", 1)[0] != reserved:
        return [
            rules.RUNCOMMAND_TAG_TARGET.at(
                f"runs as root on every instance tagged {tags[0]}: whoever may tag instances "
                f"decides where; name instance ids or use tag:{reserved}=VALUE, a key only "
                "administrators may set",
                job.location,
                job.raw,
            )
        ]
    if js.instances:
        return []
    return [
        rules.RUNCOMMAND_INSTANCES.at(
            "target runcommand needs instances (instances: [i-0123456789abcdef0] or "
            "[tag:cronmigrate:target=web-1] in cronmigrate.yaml)",
            job.location,
            job.raw,
        )
    ]


# Findings that say a job needs its server (state, tools, services, time), not Lambda.
_NEEDS_SERVER = {
    rules.MISSING_TOOL.code: "a tool the runtime lacks",
    rules.READ_ONLY.code: "writes to the server's disk",
    rules.LOCALHOST.code: "a service on the server",
    rules.LONG_JOB.code: "longer than 15 minutes",
    rules.NOT_BUNDLED.code: "files on the server",
}


def recommend_target(job: CronJob, found: Sequence[Diagnostic]) -> list[Diagnostic]:
    """CM601: the runcommand target, when the findings say the job cannot run in Lambda."""
    why = sorted(
        {
            _NEEDS_SERVER[f.code]
            for f in found
            if f.code in _NEEDS_SERVER and f.severity >= Severity.WARNING
        }
    )
    if not why:
        return []
    return [
        rules.RECOMMEND_RUNCOMMAND.at(
            f"recommended target: runcommand ({', '.join(why)})"
            "; set target: runcommand and instances: for this job in "
            "cronmigrate.yaml to keep it on its server",
            job.location,
            job.raw,
        )
    ]


def _relocate(tr: Translation, job: CronJob, notes: list[Diagnostic]) -> Translation:
    """A cached translation, with its reasons pointing at this job's line."""
    reasons = tuple(r._replace(location=job.location, text=job.raw) for r in tr.reasons)
    status = tr.status
    worst = max((n.severity for n in notes), default=Severity.INFO)
    if worst is Severity.ERROR and status is not Status.DISABLED:
        status = Status.REFUSED
    elif worst is Severity.WARNING and status is Status.OK:
        status = Status.WARNING
    return tr._replace(reasons=(*notes, *reasons), status=status)


# A job refused for one of these would fail on every run: its program is missing.
CANNOT_RUN = frozenset(
    r.code for r in (rules.MISSING_SCRIPT, rules.MISSING_TOOL, rules.PYTHON2, rules.PYTHON_IMPORT)
)


def cannot_run(j: JobPlan) -> bool:
    """Refused because a program it runs would not be there on Lambda (counted apart)."""
    return j.status is Status.REFUSED and any(r.code in CANNOT_RUN for r in j.translation.reasons)


def exit_code(plan: Plan) -> int:
    """0: every job migratable; 1: a job refused or a line malformed."""
    if plan.summary.get("refused", 0) or plan.summary.get("malformed", 0):
        return 1
    return 0


def upcoming_runs(
    schedules: Sequence[EventBridgeSchedule],
    now: dt.datetime,
    count: int = 3,
    until: dt.datetime | None = None,
) -> tuple[str, ...]:
    """The next instants the emitted schedules fire after ``now`` (at most ``count``, none
    after ``until``), ISO 8601 with the offset."""
    zone = timezones.get_zone(schedules[0].timezone)
    pairs = [fires.aws_pair(parse_aws(s.expression)) for s in schedules]
    days_union = daysets.union(d for d, _ in pairs)
    local_now = now.astimezone(zone)
    day = local_now.date()
    last_day = until.astimezone(zone).date() if until is not None else None
    found: list[dt.datetime] = []
    for _ in range(400):
        idx = daysets.first_day(days_union, daysets.day_index(day))
        if idx is None:
            break
        day = daysets.date_of(idx, day)
        if last_day is not None and day > last_day:
            break
        times = 0
        for d, t in pairs:
            if (d >> idx) & 1:
                times |= t
        while times:
            low = times & -times
            minute = low.bit_length() - 1
            times ^= low
            naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
            aware = naive.replace(tzinfo=zone)
            if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
                continue  # does not exist on this day (daylight saving gap)
            if until is not None and aware > until:
                return tuple(f.isoformat() for f in found)
            if aware > now:
                found.append(aware)
                if len(found) == count:
                    return tuple(f.isoformat() for f in found)
        day += dt.timedelta(days=1)
    return tuple(f.isoformat() for f in found)


# Where cron reads crontabs on a Debian-like server (a copy of it: --host NAME=DIR).
SERVER_CRONTABS = ("etc/crontab", "etc/cron.d", "var/spool/cron/crontabs")


def build_hosts(hosts: Sequence[tuple[str, Path]], opts: PlanOptions) -> Plan:
    """One plan over several servers' copies: each host's crontabs read under its directory
    (which is also its --root), and every job that is the same on several hosts reported:
    moved as it is, it would run once per host."""
    plans = []
    for _, directory in hosts:
        paths = [str(directory / p) for p in SERVER_CRONTABS if (directory / p).exists()]
        if not paths:
            raise UsageError(f"--host {directory}: none of {', '.join(SERVER_CRONTABS)} under it")
        plans.append(build_plan(paths, opts._replace(root=directory)))
    seen: dict[tuple[object, ...], list[tuple[str, JobPlan]]] = {}
    for (name, _), plan in zip(hosts, plans, strict=True):
        for jp in plan.jobs:
            if not jp.job.disabled:
                key = (jp.job.schedule_text, jp.job.user, jp.job.command, jp.job.environment)
                seen.setdefault(key, []).append((name, jp))
    notes: dict[int, list[Diagnostic]] = {}
    for same in seen.values():
        names = sorted({n for n, _ in same})
        if len(names) < 2:
            continue
        for name, jp in same:
            others = ", ".join(n for n in names if n != name)
            notes.setdefault(id(jp), []).append(
                rules.SAME_JOB_ON_HOSTS.at(
                    f"the same job runs on {others}: moved as it is, it runs "
                    f"{len(names)} times; keep one (enabled: false in cronmigrate.yaml for "
                    "the others)",
                    jp.job.location,
                    jp.job.raw,
                )
            )
    jobs = tuple(
        jp._replace(translation=_relocate(jp.translation, jp.job, notes[id(jp)]))
        if id(jp) in notes
        else jp
        for plan in plans
        for jp in plan.jobs
    )
    diags = tuple(d for plan in plans for d in plan.diagnostics)
    files = tuple(f for plan in plans for f in plan.files)
    summary = {k: sum(plan.summary[k] for plan in plans) for k in plans[0].summary}
    counts = Counter(j.status.value for j in jobs)
    summary.update({k: counts[k] for k in ("ok", "warning", "refused", "disabled", "migrated")})
    summary["cannot_run"] = sum(1 for j in jobs if cannot_run(j))
    plan = Plan(jobs, diags, files, opts.trigger, opts.timezone, summary)
    return with_quotas(plan, opts.settings.roles, opts.moment)
