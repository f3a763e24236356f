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

import re
from pathlib import Path
from typing import NamedTuple

from cronmigrate.crontab.model import CronJob, Crontab, CrontabKind, EnvLine
from cronmigrate.diagnostics import Diagnostic, SourceLocation
from cronmigrate.diagnostics import registry as dg
from cronmigrate.diagnostics.registry import Rule
from cronmigrate.schedule import timezones
from cronmigrate.schedule.unix import (
    MACROS,
    REBOOT,
    SPECS,
    CronSchedule,
    Field,
    FieldError,
    parse_field,
    schedule_from_fields,
)

MAX_TAB_LINES = 10_000  # cron.h
_BLANKS = " \t"
_C_SPACE = " \t\n\v\f\r"  # C isspace() in the C locale
# run-parts(8) names, which Debian's cron requires of files in /etc/cron.d
_CRON_D_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_ENV_LIKE = re.compile(r"""^["']?[A-Za-z_][A-Za-z0-9_]*["']?[ \t]*=""")
_USERNAME = re.compile(r"^[a-z_][a-z0-9_.-]*\$?$", re.IGNORECASE)
# Accounts that Debian packages' cron.d files run as; used only to sniff the format.
_KNOWN_USERS = frozenset(
    {
        "root",
        "daemon",
        "bin",
        "sys",
        "nobody",
        "www-data",
        "backup",
        "list",
        "mail",
        "news",
        "uucp",
        "proxy",
        "irc",
        "_apt",
        "postgres",
        "mysql",
        "redis",
        "nginx",
        "apache",
        "http",
        "munin",
        "nagios",
        "zabbix",
        "smmsp",
        "logcheck",
        "man",
        "lp",
        "Debian-exim",
        "sympa",
        "mailman",
        "amavis",
        "clamav",
        "bind",
        "tomcat",
        "jenkins",
        "git",
        "deploy",
        "ubuntu",
        "ec2-user",
        "admin",
        "sa",
    }
)


# Words of the example lines in the stock crontab headers, which are not disabled jobs.
_HEADER_WORDS = frozenset({"command", "user-name", "username", "cmd", "<command>"})

# ------------------------------------------------------------------ environment lines


def parse_env(line: str) -> tuple[str, str] | None:
    """env.c ``load_env`` on one line (leading blanks already skipped), or None."""
    namei, name_, eq1, eq2, valuei, value, fini, error = range(8)
    state = namei
    quote = ""
    name: list[str] = []
    val: list[str] = []
    cur = name
    i = 0
    n = len(line)
    while state != error and i < n:
        c = line[i]
        if state in (namei, valuei):
            if c in "'\"":
                quote = c
                i += 1
            state += 1
            if i >= n:
                break
            c = line[i]
        if state in (name_, value):
            if quote:
                if c == quote:
                    state += 1
                    i += 1
                    continue
                if state == name_ and c == "=":
                    state = error
                    continue
            elif state == name_:
                if c in _C_SPACE:
                    i += 1
                    state += 1
                    continue
                if c == "=":
                    state += 1
                    continue
            cur.append(c)
            i += 1
        elif state == eq1:
            if c == "=":
                state = eq2
                cur = val
                quote = ""
            elif c not in _C_SPACE:
                state = error
            i += 1
        elif state in (eq2, fini):
            if c in _C_SPACE:
                i += 1
            else:
                state += 1
    if state != fini and not (state == value and not quote):
        return None
    v = "".join(val).rstrip(_C_SPACE)
    if len(v) >= 2 and v[0] in "'\"" and v[-1] == v[0]:
        v = v[1:-1]
    return "".join(name), v


# ------------------------------------------------------------------ the % rule


def split_percent(command: str) -> tuple[str, str | None]:
    """do_command.c: split a crontab command into (command, standard input or None)."""
    out: list[str] = []
    escaped = False
    rest: str | None = None
    for i, ch in enumerate(command):
        if escaped:
            if ch in "%\\":
                out[-1] = ch
            else:
                out.append(ch)
            escaped = False
            continue
        if ch == "\\":
            escaped = True
            out.append(ch)
            continue
        if ch == "%":
            rest = command[i + 1 :]
            break
        out.append(ch)
    if not rest:
        return "".join(out), None
    data: list[str] = []
    escaped = False
    need_newline = False
    for ch in rest:
        if escaped:
            if ch != "%":
                data.append("\\")
        elif ch == "%":
            ch = "\n"
        escaped = ch == "\\"
        if not escaped:
            data.append(ch)
            need_newline = ch != "\n"
    if escaped:
        data.append("\\")
    if need_newline:
        data.append("\n")
    return "".join(out), "".join(data)


# ------------------------------------------------------------------ entries


class _Entry(NamedTuple):
    schedule: CronSchedule | None
    schedule_text: str
    user: str | None
    command: str  # raw, before the % rule
    notes: tuple[Diagnostic, ...]


_QUARTZ = (
    (
        re.compile(r"(^|,)[0-9A-Za-z]+/"),
        "a step on a single value is Quartz/croniter syntax; "
        "cron needs a range: write '*/N' or 'A-B/N'",
    ),
    (re.compile(r"(^|,|[0-9])LW?(,|$)"), "'L' (last) is Quartz/croniter syntax, not cron's"),
    (re.compile(r"(^|,|[0-9])W(,|$)"), "'W' (nearest weekday) is Quartz syntax, not cron's"),
    (re.compile(r"(^|,)\?(,|$)"), "'?' is Quartz/EventBridge syntax; cron writes '*'"),
)


def _quartz_hint(token: str) -> str | None:
    for pattern, hint in _QUARTZ:
        if pattern.search(token):
            return hint
    return None


def _skip(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] in _BLANKS:
        pos += 1
    return pos


def _token_end(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] not in _BLANKS:
        pos += 1
    return pos


def _parse_entry(
    s: str, offset: int, kind: CrontabKind, loc: SourceLocation, raw: str
) -> _Entry | Diagnostic:
    """entry.c load_entry on ``s`` (the line from its first non-blank, at ``offset``)."""

    def err(code: Rule, message: str, col: int, hint: str = "") -> Diagnostic:
        at = SourceLocation(loc.path, loc.line, offset + col + 1)
        return code.at(message, at, raw, hint)

    notes: list[Diagnostic] = []
    schedule: CronSchedule | None
    if s.startswith("@"):
        end = 1
        while end < len(s) and s[end] not in _BLANKS:
            end += 1
        word = s[:end]
        if word == REBOOT:
            schedule = None
        elif word in MACROS:
            schedule = MACROS[word]
        else:
            hint = ""
            if word.lower() in MACROS or word.lower() == REBOOT:
                hint = f"macros are case-sensitive: write {word.lower()}"
            return err(dg.BAD_MACRO, f"bad time specifier {word!r}", 0, hint)
        schedule_text = word
        pos = _skip(s, end)
    else:
        pos = 0
        fields: list[Field] = []
        starts: list[int] = []
        for spec in SPECS:
            pos = _skip(s, pos)
            end = _token_end(s, pos)
            token = s[pos:end]
            if not token:
                return err(dg.SYNTAX, f"bad {spec.name}: the field is missing", pos)
            parsed = parse_field(token, spec)
            if isinstance(parsed, FieldError):
                quartz = _quartz_hint(token)
                if quartz:
                    return err(dg.QUARTZ, f"bad {spec.name} {token!r}: {quartz}", pos)
                return err(
                    dg.SYNTAX, f"bad {spec.name} {token!r}: {parsed.message}", pos + parsed.offset
                )
            fields.append(parsed)
            starts.append(pos)
            pos = end
        for f, spec, start in zip(fields, SPECS, starts, strict=True):
            at = SourceLocation(loc.path, loc.line, offset + start + 1)
            if f.ignored and f.ignored != "\r":
                used = f.text[: len(f.text) - len(f.ignored)]
                why = ""
                if f.ignored.startswith("#"):
                    why = " ('#' is Quartz's n-th weekday, which cron does not have)"
                notes.append(
                    dg.IGNORED_TEXT.at(
                        f"cron ignores {f.ignored!r} after {used!r} in the {spec.name} field "
                        f"and reads it as {used!r}{why}",
                        at,
                        raw,
                    )
                )
            for r in f.reversed_ranges:
                notes.append(
                    dg.REVERSED_RANGE.at(
                        f"reversed range {r!r} in the {spec.name} field selects nothing "
                        "(cron accepts it silently)",
                        at,
                        raw,
                    )
                )
        schedule = schedule_from_fields(tuple(fields))
        schedule_text = " ".join(s[:pos].split())
        pos = _skip(s, pos)
    rest = s[pos:]
    user: str | None = None
    if kind is CrontabKind.SYSTEM:
        if not rest.strip(_C_SPACE):
            return err(
                dg.MISSING_USER,
                "missing user and command",
                pos,
                "system crontabs name the user after the time fields",
            )
        uend = _token_end(rest, 0)
        user = rest[:uend]
        cpos = _skip(rest, uend)
        command = rest[cpos:]
        if not command.strip(_C_SPACE):
            return err(dg.MISSING_COMMAND, f"missing command after user {user!r}", pos + uend)
        if not _USERNAME.match(user):
            return err(
                dg.MISSING_USER,
                f"{user!r} is not a user name",
                pos,
                "system crontabs (/etc/crontab, cron.d) need a user field",
            )
    else:
        command = rest
        if not command.strip(_C_SPACE):
            return err(dg.MISSING_COMMAND, "missing command", pos)
        if command.startswith("*"):
            return err(
                dg.BAD_COMMAND_START,
                "bad command: it starts with '*'",
                pos,
                "six time fields? Unix cron has five; there is no seconds or year field",
            )
    return _Entry(schedule, schedule_text, user, command, tuple(notes))


# ------------------------------------------------------------------ whole files


def sniff_kind(text: str) -> CrontabKind | None:
    """Guess the format from the entries: SYSTEM if their user fields name known accounts."""
    known = False
    for line in text.splitlines():
        s = line.lstrip(_BLANKS)
        if not s or s.startswith("#") or parse_env(s) is not None:
            continue
        tokens = s.split()
        n = 1 if s.startswith("@") else 5
        if len(tokens) <= n:
            continue
        candidate = tokens[n]
        if not _USERNAME.match(candidate) or len(tokens) == n + 1:
            return CrontabKind.USER
        if candidate in _KNOWN_USERS:
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
        note = dg.FORMAT_DETECTED.at(
            f"read as a {kind.value} crontab ({why}); use --system or --user to say otherwise",
            SourceLocation(path, 0),
        )
    return kind, note


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
        s = raw.lstrip(_BLANKS)
        offset = len(raw) - len(s)
        if not s:
            continue
        if s.startswith("#"):
            job = _disabled_job(s, kind, loc, raw, env, owner)
            if job is not None:
                jobs.append(job)
            continue
        if number == len(lines) and unterminated:
            diags.append(
                dg.MISSING_NEWLINE.at(
                    "the last line has no newline: Debian's cron ignores the whole file",
                    loc,
                    raw,
                    "add a newline at the end of the file",
                )
            )
        pair = parse_env(s)
        if pair is not None:
            name, value = pair
            env.append(pair)
            env_lines.append(EnvLine(SourceLocation(path, number, offset + 1), name, value, raw))
            if name in ("CRON_TZ", "TZ"):
                if not timezones.is_valid(value):
                    diags.append(
                        dg.UNKNOWN_TIMEZONE.at(
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
        entry = _parse_entry(s, offset, kind, loc, raw)
        if isinstance(entry, Diagnostic):
            if _ENV_LIKE.match(s):
                entry = dg.BAD_ENV.at(
                    f"bad environment line {s.rstrip()!r}: cron does not read it as NAME=value "
                    '(an empty value needs quotes: NAME=""), so it rejects it as a job line',
                    SourceLocation(path, number, offset + 1),
                    raw,
                )
            elif s == "\r":
                entry = dg.CRLF_BREAKS_LINE.at(
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
    if crlf:
        diags.append(
            dg.CRLF.at(
                f"{crlf} line(s) end in CRLF: cron passes the carriage return to the shell "
                "as part of the command (cronmigrate drops it)",
                SourceLocation(path, 0),
                "",
                "convert the file to LF line endings",
            )
        )
    if first_error:
        diags.append(
            dg.FILE_IGNORED.at(
                f"Debian's cron ignores this whole file because of the error at line "
                f"{first_error} (cronie skips only the bad lines): none of its jobs run today",
                SourceLocation(path, 0),
            )
        )
    if len(lines) > MAX_TAB_LINES:
        diags.append(
            dg.FILE_IGNORED.at(
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
) -> CronJob | None:
    body = s.lstrip("#").lstrip(_BLANKS)
    if not body or not (body[0].isdigit() or body[0] in "*@"):
        return None
    entry = _parse_entry(body, 0, kind, loc, raw)
    if isinstance(entry, Diagnostic) or not entry.command.strip():
        return None
    words = {entry.command.split()[0], entry.user or ""}
    if words & _HEADER_WORDS:  # "# *  *  *  *  * user-name command to be executed"
        return None
    return _job(entry, loc, raw, env, owner, disabled=True)


def _job(
    entry: _Entry,
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


# ------------------------------------------------------------------ reading paths


class Source(NamedTuple):
    path: str
    text: str
    owner: str | None  # the user a spool crontab belongs to (its file name)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def collect_sources(
    paths: list[str], stdin_text: str | None = None
) -> tuple[list[Source], list[Diagnostic]]:
    """Expand files and directories (as cron reads cron.d: flat, run-parts names)."""
    sources: list[Source] = []
    diags: list[Diagnostic] = []
    for arg in paths:
        if arg == "-":
            sources.append(Source("<stdin>", stdin_text or "", None))
            continue
        p = Path(arg)
        if p.is_dir():
            for child in sorted(p.iterdir(), key=lambda c: c.name):
                if not child.is_file():
                    continue
                if not _CRON_D_NAME.match(child.name):
                    diags.append(
                        dg.SKIPPED_FILE.at(
                            f"skipped {child.name!r}: cron ignores files in a cron directory "
                            "whose names are not letters, digits, '-' and '_'",
                            SourceLocation(str(child), 0),
                        )
                    )
                    continue
                sources.extend(_read(child, diags))
        else:
            sources.extend(_read(p, diags))
    return sources, diags


def _read(p: Path, diags: list[Diagnostic]) -> list[Source]:
    try:
        data = p.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        diags.append(dg.UNREADABLE.at(f"cannot read: {reason}", SourceLocation(str(p), 0)))
        return []
    owner = p.name if location_kind(str(p)) == (CrontabKind.USER, True) else None
    return [Source(str(p), _decode(data), owner)]


def read_crontabs(
    paths: list[str], forced: CrontabKind | None = None, stdin_text: str | None = None
) -> tuple[list[Crontab], list[Diagnostic]]:
    sources, diags = collect_sources(paths, stdin_text)
    tabs: list[Crontab] = []
    for src in sources:
        kind, note = decide_kind(src.path, src.text, forced)
        if note is not None:
            diags.append(note)
        tabs.append(parse_crontab(src.text, src.path, kind, src.owner))
    return tabs, diags
