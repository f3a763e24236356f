"""Crontab text → jobs and diagnostics, the way Debian's cron reads it.

References (Debian ``cron`` 3.0pl1-162 with its patches applied):

* ``misc.c skip_comments``: leading blanks are skipped; a line whose first non-blank
  character is ``#`` is a comment (there are no end-of-line comments).
* ``env.c load_env``: the Vixie 4.1 state machine (``NAME = value``, either side may be
  quoted with ``'`` or ``"``; ``NAME=`` with nothing after it is *not* an environment
  line, so cron then rejects it as a bad entry).  Tried first on every line.
* ``entry.c load_entry``: ``@macros`` (case-sensitive), five fields, then a user name in
  system crontabs, then the command up to the newline.  In a user crontab a command
  starting with ``*`` is an error (the classic six-field line).
* ``do_command.c``: the first unescaped ``%`` ends the command; the rest is standard
  input, each further ``%`` a newline.  ``\\%`` is a literal ``%`` and (Debian's
  "Handle escapes in job input" patch) ``\\\\`` a single backslash in the command part.
* ``user.c load_user``: a syntax error, or a last line without a newline, makes Debian's
  cron ignore the *whole* file; so does a file over 10,000 lines.

Nothing here raises on bad input: every problem is a :class:`Diagnostic` with file:line.
"""

from __future__ import annotations

from pathlib import Path

from cronmigrate.crontab.entries import Entry, parse_entry
from cronmigrate.crontab.env import parse_env
from cronmigrate.crontab.lexical import (
    BLANKS,
    ENV_LIKE,
    HEADER_WORDS,
    KNOWN_USERS,
    MAX_TAB_LINES,
    USERNAME,
)
from cronmigrate.crontab.marker import unmark
from cronmigrate.crontab.model import CronJob, Crontab, CrontabKind, EnvLine
from cronmigrate.crontab.percent import split_percent
from cronmigrate.diagnostics import Diagnostic, SourceLocation, rules
from cronmigrate.schedule import timezones


def sniff_kind(text: str) -> CrontabKind | None:
    """Guess the format from the entries: SYSTEM if their user fields name known accounts."""
    known = False
    for line in text.splitlines():
        s = line.lstrip(BLANKS)
        if not s or s.startswith("#") or parse_env(s) is not None:
            continue
        tokens = s.split()
        n = 1 if s.startswith("@") else 5
        if len(tokens) <= n:
            continue
        candidate = tokens[n]
        if not USERNAME.match(candidate) or len(tokens) == n + 1:
            return CrontabKind.USER
        if candidate in KNOWN_USERS:
            known = True
    return CrontabKind.SYSTEM if known else None


def location_kind(path: str) -> tuple[CrontabKind | None, bool]:
    """(kind, strong) from where the file lives: /etc/crontab, cron.d/, spool crontabs/."""
    p = Path(path)
    parent = p.parent.name
    if parent == "cron.d" or (p.name == "crontab" and parent == "etc"):
        return CrontabKind.SYSTEM, True
    if parent == "crontabs" or (parent == "cron" and p.parent.parent.name == "spool"):
        return CrontabKind.USER, True
    if p.name == "crontab":
        return CrontabKind.SYSTEM, False
    return None, False


def decide_kind(
    path: str, text: str, forced: CrontabKind | None
) -> tuple[CrontabKind, Diagnostic | None]:
    if forced is not None:
        return forced, None
    loc_kind, strong = location_kind(path)
    if loc_kind is not None and strong:
        return loc_kind, None
    sniffed = sniff_kind(text)
    kind = sniffed or loc_kind or CrontabKind.USER
    note = None
    if loc_kind is None or (sniffed is not None and sniffed is not loc_kind):
        why = "its entries name a user" if kind is CrontabKind.SYSTEM else "its location"
        if sniffed is CrontabKind.USER:
            why = "its entries have no user field"
        note = rules.FORMAT_DETECTED.at(
            f"read as a {kind.value} crontab ({why}); use --system or --user to say otherwise",
            SourceLocation(path, 0),
        )
    return kind, note


ENV_VALUE_MAX = 998  # Debian cron: longer environment values are cut to this many bytes


def parse_crontab(text: str, path: str, kind: CrontabKind, owner: str | None = None) -> Crontab:
    """Parse one crontab's text. Never raises."""
    diags: list[Diagnostic] = []
    jobs: list[CronJob] = []
    env: list[tuple[str, str]] = []
    env_lines: list[EnvLine] = []
    lines = text.split("\n")
    unterminated = lines[-1] != ""
    if not unterminated:
        lines.pop()
    crlf = 0
    zone: str | None = None
    tz_env: str | None = None
    first_error = 0
    for number, raw in enumerate(lines, start=1):
        loc = SourceLocation(path, number)
        if raw.endswith("\r"):
            crlf += 1
        s = raw.lstrip(BLANKS)
        offset = len(raw) - len(s)
        if not s:
            continue
        marked = unmark(raw)
        if marked is not None:  # switched over to AWS by `cronmigrate cutover`
            function, original = marked
            body = original.lstrip(BLANKS)
            entry = parse_entry(body, len(original) - len(body), kind, loc, raw)
            if not isinstance(entry, Diagnostic):
                moved = _job(entry, loc, raw, env, owner, disabled=True, timezone=zone or tz_env)
                jobs.append(moved._replace(migrated=function))
            continue
        if s.startswith("#"):
            job = _disabled_job(s, kind, loc, raw, env, owner, timezone=zone or tz_env)
            if job is not None:
                jobs.append(job)
            continue
        pair = parse_env(s)
        if pair is not None:
            name, value = pair
            if "\x00" in value:
                diags.append(
                    rules.NUL_BYTE.at(
                        f"a NUL byte in the value of {name}: cron keeps only what comes before it",
                        loc,
                        raw,
                    )
                )
                value = value[: value.index("\x00")]
            data = value.encode("utf-8", "surrogateescape")
            if len(data) > ENV_VALUE_MAX:
                diags.append(
                    rules.ENV_VALUE_CUT.at(
                        f"the value of {name} is {len(data)} bytes: Debian's cron keeps its "
                        f"first {ENV_VALUE_MAX} (MAX_ENVSTR)",
                        loc,
                        raw,
                    )
                )
                value = data[:ENV_VALUE_MAX].decode("utf-8", "surrogateescape")
            pair = (name, value)
            env.append(pair)
            env_lines.append(EnvLine(SourceLocation(path, number, offset + 1), name, value, raw))
            if name in ("CRON_TZ", "TZ"):
                if not timezones.is_valid(value):
                    diags.append(
                        rules.UNKNOWN_TIMEZONE.at(
                            f"unknown time zone {value!r} in {name}",
                            loc,
                            raw,
                            "use an IANA name such as Europe/Berlin",
                        )
                    )
                if name == "CRON_TZ":
                    zone = value
                else:
                    tz_env = value
            continue
        entry = parse_entry(s, offset, kind, loc, raw)
        if isinstance(entry, Diagnostic):
            if ENV_LIKE.match(s):
                empty = s.rstrip().endswith("=")
                why = ' (an empty value needs quotes: NAME="")' if empty else ""
                entry = rules.BAD_ENV.at(
                    f"bad environment line {s.rstrip()!r}: cron does not read it as "
                    f"NAME=value{why}, so it rejects it as a job line",
                    SourceLocation(path, number, offset + 1),
                    raw,
                )
            elif s == "\r":
                entry = rules.CRLF_BREAKS_LINE.at(
                    "a line holding only a carriage return is a syntax "
                    "error for cron (CRLF line endings)",
                    loc,
                    raw,
                    "convert the file to LF line endings",
                )
            diags.append(entry)
            first_error = first_error or number
            continue
        diags.extend(entry.notes)
        jobs.append(_job(entry, loc, raw, env, owner, timezone=zone or tz_env))
    if unterminated:  # whatever the last line is
        last = lines[-1].lstrip(BLANKS)
        what = (
            "Debian's cron ignores the whole file"
            if last and not last.startswith("#")
            else "crontab -e and cron expect every line to end in one"
        )
        diags.append(
            rules.MISSING_NEWLINE.at(
                f"the last line has no newline: {what}",
                SourceLocation(path, len(lines)),
                lines[-1],
                "add a newline at the end of the file",
            )
        )
    if crlf:
        diags.append(
            rules.CRLF.at(
                f"{crlf} line(s) end in CRLF: cron passes the carriage return to the shell "
                "as part of the command (cronmigrate drops it)",
                SourceLocation(path, 0),
                "",
                "convert the file to LF line endings",
            )
        )
    if first_error:
        diags.append(
            rules.FILE_IGNORED.at(
                f"Debian's cron ignores this whole file because of the error at line "
                f"{first_error} (cronie skips only the bad lines): none of its jobs run today",
                SourceLocation(path, 0),
            )
        )
    if len(lines) > MAX_TAB_LINES:
        diags.append(
            rules.FILE_IGNORED.at(
                f"{len(lines)} lines: Debian's cron ignores crontabs longer than "
                f"{MAX_TAB_LINES} lines",
                SourceLocation(path, 0),
            )
        )
    return Crontab(path, kind, tuple(jobs), tuple(diags), len(lines), tuple(env_lines), text)


def _disabled_job(
    s: str,
    kind: CrontabKind,
    loc: SourceLocation,
    raw: str,
    env: list[tuple[str, str]],
    owner: str | None,
    timezone: str | None = None,
) -> CronJob | None:
    body = s.lstrip("#").lstrip(BLANKS)
    if not body or not (body[0].isdigit() or body[0] in "*@"):
        return None
    entry = parse_entry(body, 0, kind, loc, raw)
    if isinstance(entry, Diagnostic) or not entry.command.strip():
        return None
    words = {entry.command.split()[0], entry.user or ""}
    if words & HEADER_WORDS:  # "# *  *  *  *  * user-name command to be executed"
        return None
    return _job(entry, loc, raw, env, owner, disabled=True, timezone=timezone)


def _job(
    entry: Entry,
    loc: SourceLocation,
    raw: str,
    env: list[tuple[str, str]],
    owner: str | None,
    *,
    disabled: bool = False,
    timezone: str | None = None,
) -> CronJob:
    command = entry.command[:-1] if entry.command.endswith("\r") else entry.command
    cmd, stdin = split_percent(command)
    return CronJob(
        location=loc,
        user=entry.user or owner,
        schedule=entry.schedule,
        schedule_text=entry.schedule_text,
        command=cmd,
        stdin=stdin,
        environment=tuple(env),
        raw=raw,
        disabled=disabled,
        timezone=timezone,
    )
