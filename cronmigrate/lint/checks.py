"""Lint's own checks (CM4xx): mistakes that are valid cron but rarely what was meant."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cronmigrate.analysis import commands
from cronmigrate.analysis.secrets import is_secret
from cronmigrate.crontab.model import CronJob, Crontab, CrontabKind
from cronmigrate.crontab.percent import escape_percents, open_construct
from cronmigrate.diagnostics import Diagnostic, SourceLocation, echo, rules
from cronmigrate.diagnostics.rules import Rule
from cronmigrate.schedule.describe import MONTH_NAMES

_REDIRECT = re.compile(r"(^|[^<])(>|>>|&>)|\|\s*(logger|tee|systemd-cat)\b|\bchronic\b")
_KNOWN_USERS = frozenset(
    {
        "root",
        "www-data",
        "nobody",
        "daemon",
        "backup",
        "postgres",
        "mysql",
        "deploy",
        "ubuntu",
        "ec2-user",
        "admin",
    }
)
_DAYS_IN_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31,
                  11: 30, 12: 31}  # fmt: skip


def _d(rule: Rule, message: str, loc: SourceLocation, raw: str) -> Diagnostic:
    return rule.at(message, loc, raw)


def rare_schedule(job: CronJob) -> Iterator[Diagnostic]:
    """CM401: day-of-month values that some of the selected months do not have."""
    s = job.schedule
    if s is None or not s.doms or len(s.doms) == 31:
        return
    only_dom = s.day_rule == "and" or not s.dows or len(s.dows) == 7
    if not only_dom or (s.day_rule == "and" and len(s.dows) < 7):
        return
    missing = [m for m in sorted(s.months) if min(s.doms) > _DAYS_IN_MONTH[m]]
    leap_only = s.months & {2} and min(s.doms) == 29 and all(
        d > 28 for d in s.doms) and 2 not in missing  # fmt: skip
    if missing and len(missing) < len(s.months):
        names = ", ".join(MONTH_NAMES[m - 1] for m in missing)
        yield _d(
            rules.RARE_SCHEDULE,
            f"day {min(s.doms)} does not exist in {names}: the job skips those months",
            job.location,
            job.raw,
        )
    elif leap_only and s.months == {2}:
        yield _d(
            rules.RARE_SCHEDULE,
            "29 February: the job runs once every four years",
            job.location,
            job.raw,
        )


def percent_cuts(job: CronJob) -> str | None:
    """Why the first unescaped '%' cuts the command into something broken: an open shell
    construct, or a format (``date +%Y``, ``printf '%s'``); None for the standard-input
    idiom (``mail -s subject user%body%``)."""
    if job.stdin is None:
        return None
    before = job.command.rstrip()
    open_ = open_construct(before)
    if open_ is not None:
        return f"an open {open_!r}"
    words = before.split()
    formatish = before.endswith(("+", '"', "'", "-", "_", ":", "/", "."))
    if formatish or {"date", "printf"} & {w.rsplit("/", 1)[-1] for w in words}:
        return "a format cut in two"
    return None


def unescaped_percent(job: CronJob) -> Iterator[Diagnostic]:
    """CM402: a '%' that cuts the command into something broken (fixable: ``\\%``)."""
    why = percent_cuts(job)
    if why is None:
        return
    stdin = (job.stdin or "").rstrip("\n")
    yield _d(
        rules.UNESCAPED_PERCENT,
        f"cron cuts the command at the first unescaped '%' ({why}): it runs "
        f"{echo(job.command.rstrip(), 80)!r} with {echo(stdin, 60)!r} on standard input "
        "(write \\% for a literal %; --fix does)",
        job.location,
        job.raw,
    )


def fix_percents(tab: Crontab) -> tuple[str, int]:
    """The crontab's text with every '%' of a CM402 line escaped; how many lines changed."""
    lines = tab.text.split("\n")
    changed = 0
    for job in tab.jobs:
        if job.disabled or percent_cuts(job) is None:
            continue
        i = job.location.line - 1
        fixed = escape_percents(lines[i])
        if fixed != lines[i]:
            lines[i] = fixed
            changed += 1
    return "\n".join(lines), changed


def every_minute(job: CronJob) -> Iterator[Diagnostic]:
    """CM404."""
    s = job.schedule
    if s is None or not s.fields:
        return
    minute, hour = s.fields[0], s.fields[1]
    if minute.text == "*" and not hour.text.startswith("*") and len(s.hours) < 24:
        yield _d(
            rules.EVERY_MINUTE,
            f"'* {hour.text} …' runs every minute of hour {hour.text} "
            f"({60 * len(s.hours)} runs a day); '0 {hour.text} …' runs once",
            job.location,
            job.raw,
        )


def user_field_in_user_crontab(tab: Crontab, job: CronJob) -> Iterator[Diagnostic]:
    """CM405."""
    if tab.kind is not CrontabKind.USER:
        return
    words = job.command.split()
    if len(words) >= 2 and words[0] in _KNOWN_USERS:
        yield _d(
            rules.USER_IN_USER_CRONTAB,
            f"{words[0]!r} looks like a user field, but user crontabs have none: "
            f"this runs a command named {words[0]!r}",
            job.location,
            job.raw,
        )


def output_lost(job: CronJob) -> Iterator[Diagnostic]:
    """CM407."""
    mailto = job.env("MAILTO")
    if mailto not in (None, "") or _REDIRECT.search(job.command):
        return
    where = (
        "MAILTO is empty, so cron discards it"
        if mailto == ""
        else ("MAILTO is unset, so cron mails it to the local account")
    )
    yield _d(
        rules.OUTPUT_LOST,
        f"the job's output is not redirected and {where}: failures go unnoticed",
        job.location,
        job.raw,
    )


_RELATIVE_WORD = re.compile(r"(^|[\s;&|(])(?![/$~])[\w.-]*/")


def relative_path(job: CronJob) -> Iterator[Diagnostic]:
    """CM409."""
    if not _RELATIVE_WORD.search(job.command):
        return
    for argv in commands.simple_commands(job.command):
        if argv[0] == "cd":
            return
        found = commands.program(argv)
        if found and "/" in found[0] and not found[0].startswith(("/", "$", "~")):
            yield _d(
                rules.RELATIVE_PATH,
                f"{found[0]!r} is relative to the home directory cron starts the job in",
                job.location,
                job.raw,
            )
            return


def env_checks(tab: Crontab) -> Iterator[Diagnostic]:
    """CM403 $VAR, CM406 secrets, CM410 CRON_TZ."""
    for line in tab.env_lines:
        if re.search(r"\$\{?[A-Za-z_]", line.value) and line.name != "MAILTO":
            yield _d(
                rules.NO_EXPANSION,
                f"cron does not expand variables: {line.name} is set to the "
                f"literal text {line.value!r}",
                line.location,
                line.raw,
            )
        if is_secret(line.name, line.value):
            yield _d(
                rules.SECRET_IN_CRONTAB,
                f"{line.name} looks like a secret, in plain text in the crontab",
                line.location,
                line.raw,
            )
        if line.name in ("CRON_TZ", "TZ"):
            yield _d(
                rules.CRON_TZ,
                f"{line.name}={line.value}: the following entries are planned in "
                "that zone; Debian's cron ignores it for scheduling",
                line.location,
                line.raw,
            )


def duplicates(tabs: list[Crontab]) -> Iterator[Diagnostic]:
    """CM408, across all files linted together."""
    seen: dict[tuple[object, ...], CronJob] = {}
    for tab in tabs:
        for job in tab.jobs:
            if job.disabled:
                continue
            key = (
                job.schedule.key if job.schedule else "@reboot",
                job.user,
                job.command.strip(),
                job.stdin,
                job.timezone,
            )
            first = seen.setdefault(key, job)
            if first is not job:
                yield _d(
                    rules.DUPLICATE,
                    f"the same job as {first.location.short}: it runs twice",
                    job.location,
                    job.raw,
                )


def check(tabs: list[Crontab]) -> Iterator[Diagnostic]:
    for tab in tabs:
        yield from env_checks(tab)
        for job in tab.jobs:
            if job.disabled:
                continue
            yield from rare_schedule(job)
            yield from unescaped_percent(job)
            yield from every_minute(job)
            yield from user_field_in_user_crontab(tab, job)
            yield from output_lost(job)
            yield from relative_path(job)
    yield from duplicates(tabs)
