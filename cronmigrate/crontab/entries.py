"""One job line: ``entry.c load_entry`` (``@macros``, five fields, the user of a system
crontab, the command)."""

from __future__ import annotations

import re
from typing import NamedTuple

from cronmigrate.crontab.lexical import (
    BLANKS,
    C_SPACE,
    USERNAME,
)
from cronmigrate.crontab.model import CrontabKind
from cronmigrate.diagnostics import Diagnostic, SourceLocation, rules
from cronmigrate.diagnostics.rules import Rule
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


class Entry(NamedTuple):
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
    while pos < len(s) and s[pos] in BLANKS:
        pos += 1
    return pos


def _token_end(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] not in BLANKS:
        pos += 1
    return pos


def parse_entry(
    s: str, offset: int, kind: CrontabKind, loc: SourceLocation, raw: str
) -> Entry | Diagnostic:
    """entry.c load_entry on ``s`` (the line from its first non-blank, at ``offset``)."""

    def err(code: Rule, message: str, col: int, hint: str = "") -> Diagnostic:
        at = SourceLocation(loc.path, loc.line, offset + col + 1)
        return code.at(message, at, raw, hint)

    notes: list[Diagnostic] = []
    schedule: CronSchedule | None
    if s.startswith("@"):
        end = 1
        while end < len(s) and s[end] not in BLANKS:
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
            return err(rules.BAD_MACRO, f"bad time specifier {word!r}", 0, hint)
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
                return err(rules.SYNTAX, f"bad {spec.name}: the field is missing", pos)
            parsed = parse_field(token, spec)
            if isinstance(parsed, FieldError):
                quartz = _quartz_hint(token)
                if quartz:
                    return err(rules.QUARTZ, f"bad {spec.name} {token!r}: {quartz}", pos)
                return err(
                    rules.SYNTAX,
                    f"bad {spec.name} {token!r}: {parsed.message}",
                    pos + parsed.offset,
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
                    rules.IGNORED_TEXT.at(
                        f"cron ignores {f.ignored!r} after {used!r} in the {spec.name} field "
                        f"and reads it as {used!r}{why}",
                        at,
                        raw,
                    )
                )
            for r in f.reversed_ranges:
                notes.append(
                    rules.REVERSED_RANGE.at(
                        f"reversed range {r!r} in the {spec.name} field selects nothing "
                        "(cron accepts it silently)",
                        at,
                        raw,
                    )
                )
            for r in f.lone_steps:
                head = r.split("/")[0]
                first = head.split("-")[0] if head != "*" else str(spec.low)
                notes.append(
                    rules.STEP_TOO_LARGE.at(
                        f"the step in {r!r} goes past the end of its range in the {spec.name} "
                        f"field: cron selects only {first}, not a value every "
                        f"{r.rsplit('/', 1)[1]}",
                        at,
                        raw,
                        f"write {first} if that is what is meant",
                    )
                )
        schedule = schedule_from_fields(tuple(fields))
        schedule_text = " ".join(s[:pos].split())
        pos = _skip(s, pos)
    rest = s[pos:]
    user: str | None = None
    if kind is CrontabKind.SYSTEM:
        if not rest.strip(C_SPACE):
            return err(
                rules.MISSING_USER,
                "missing user and command",
                pos,
                "system crontabs name the user after the time fields",
            )
        pasted = _pasted_fields(rest)
        if pasted:  # `0 0 12 * * ? root /x`: the "user" is a sixth time field
            return err(
                rules.BAD_COMMAND_START,
                f"{pasted!r} where the user field goes is a time field: Quartz or EventBridge "
                "syntax (a seconds or year field, '?') pasted into a crontab",
                pos,
                "Unix cron has five time fields: minute hour day-of-month month day-of-week",
            )
        uend = _token_end(rest, 0)
        user = rest[:uend]
        cpos = _skip(rest, uend)
        command = rest[cpos:]
        if not command.strip(C_SPACE):
            return err(rules.MISSING_COMMAND, f"missing command after user {user!r}", pos + uend)
        if not USERNAME.match(user):
            return err(
                rules.MISSING_USER,
                f"{user!r} is not a user name",
                pos,
                "system crontabs (/etc/crontab, cron.d) need a user field",
            )
    else:
        command = rest
        if not command.strip(C_SPACE):
            return err(rules.MISSING_COMMAND, "missing command", pos)
        if command.startswith("*"):
            return err(
                rules.BAD_COMMAND_START,
                "bad command: it starts with '*'",
                pos,
                "six time fields? Unix cron has five; there is no seconds or year field",
            )
    pasted = _pasted_fields(command)
    if pasted:  # Debian reads a job whose command is `0 2020 cmd`: an error on that job only
        col = pos + (len(rest) - len(command)) if kind is CrontabKind.SYSTEM else pos
        notes.append(
            rules.BAD_COMMAND_START.at(
                f"the command starts with {pasted!r}, a time field: Quartz or EventBridge "
                "syntax (a seconds or year field, '?') pasted into a crontab, which cron runs "
                f"as the command {command.strip(C_SPACE)!r}",
                SourceLocation(loc.path, loc.line, offset + col + 1),
                raw,
                "Unix cron has five time fields: minute hour day-of-month month day-of-week",
            )
        )
    if "\x00" in command:  # a C string: the command ends there
        notes.append(
            rules.NUL_BYTE.at(
                "a NUL byte in the command: cron runs only what comes before it",
                SourceLocation(loc.path, loc.line, offset + pos + command.index("\x00") + 1),
                raw,
            )
        )
        command = command[: command.index("\x00")]
    size = len(command.encode("utf-8", "surrogateescape"))
    if size >= MAX_COMMAND - 1:
        return err(
            rules.COMMAND_TOO_LONG,
            f"the command is {size} bytes: Debian's cron refuses a command of "
            f"{MAX_COMMAND - 1} bytes or more (MAX_COMMAND)",
            pos,
            "move the command into a script",
        )
    return Entry(schedule, schedule_text, user, command, tuple(notes))


MAX_COMMAND = 1000  # Debian cron's cron.h: the command buffer, its NUL included

_FIELD = re.compile(r"[0-9]+(?:[-,/][0-9]+)*|[0-9]*[LW]|LW|[0-9]#[0-9]|[0-9]+-[0-9]+/[0-9]+")
_NAMES = re.compile(
    r"(?:MON|TUE|WED|THU|FRI|SAT|SUN|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)"
    r"(?:[-,](?:MON|TUE|WED|THU|FRI|SAT|SUN|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC))*",
)


_YEAR = re.compile(r"(?:19[7-9][0-9]|2[01][0-9]{2})(?:[-,/][0-9]+)*")  # EventBridge's years


def _pasted_fields(command: str) -> str | None:
    """The time field a command starts with when a Quartz (seconds, ``?``, year) or an
    EventBridge line was pasted: ``0 0 12 * * ? /x`` leaves ``? /x`` as the command."""
    words = command.split(maxsplit=2)
    if not words:
        return None
    first = words[0]
    if first == "?" or _NAMES.fullmatch(first) or _YEAR.fullmatch(first):
        return first
    if (
        _FIELD.fullmatch(first)
        and len(words) > 1
        and (words[1] in ("?", "*") or _FIELD.fullmatch(words[1]) or _NAMES.fullmatch(words[1]))
    ):
        return first
    return None
