"""AWS's documented cron() grammar, checked strictly ("Cron expressions reference", Amazon
EventBridge User Guide; facts in :mod:`cronmigrate.aws_facts`): what the evaluator in
:mod:`cronmigrate.schedule.eventbridge` reads is not always what AWS accepts (an increment
larger than its field, ``1/100`` in day-of-month, reads fine and is refused)."""

from __future__ import annotations

import re

from cronmigrate import aws_facts as aws
from cronmigrate.schedule.eventbridge import DAYS, MONTHS


def _number(token: str, low: int, high: int, names: tuple[str, ...] | None) -> int | None:
    if token.isdigit():
        v = int(token)
        return v if low <= v <= high else None
    if names and token.upper() in names:
        return low + names.index(token.upper())
    return None


def _field_problems(text: str, index: int) -> list[str]:
    name, low, high, allowed = aws.CRON_FIELDS[index]
    names = MONTHS if index == 3 else DAYS if index == 4 else None
    if text == "?":
        return [] if "?" in allowed else [f"'?' is not allowed in {name}"]
    if text == "*":
        return []
    out: list[str] = []
    items = text.split(",")
    if "#" in text and len(items) > 1:
        out.append(f"'#' allows one expression in {name}: {text!r}")
    for item in items:
        base, _, step = item.partition("/")
        if "/" in item:
            if "/" not in allowed:
                out.append(f"'/' is not allowed in {name}")
                continue
            if not step.isdigit() or not 1 <= int(step) <= high:
                out.append(f"increment {step!r} is outside {name} ({low}-{high}): {item!r}")
        if index == 2 and re.fullmatch(r"L|LW|[0-9]{1,2}W", base):
            if base[0].isdigit() and _number(base[:-1], low, high, None) is None:
                out.append(f"bad weekday {base!r} in {name}")
            continue
        if index == 4 and re.fullmatch(r"([1-7]|[A-Z]{3})(#[1-5]|L)?|L", base, re.IGNORECASE):
            head = re.split(r"[#L]", base, maxsplit=1)[0] if base != "L" else ""
            if head and _number(head, low, high, names) is None:
                out.append(f"bad value {head!r} in {name}")
            continue
        if base == "*":
            continue
        for part in base.split("-", 1) if "-" in base else [base]:
            if _number(part, low, high, names) is None:
                out.append(f"value {part!r} is outside {name} ({low}-{high})")
    return out


def expression_problems(expression: str) -> list[str]:
    """Why AWS's documented grammar refuses ``cron(...)`` (an empty list: it accepts it)."""
    if len(expression) > aws.SCHEDULE_EXPRESSION_MAX:
        return [f"{len(expression)} characters; a schedule expression has at most 256"]
    m = re.fullmatch(r"cron\((.*)\)", expression)
    if not m:
        return [f"not a cron() expression: {expression!r}"]
    fields = m.group(1).split(" ")
    if len(fields) != 6:
        return [f"{len(fields)} fields; cron() has six: {expression!r}"]
    out: list[str] = []
    for i, text in enumerate(fields):
        out += _field_problems(text, i)
    if (fields[2] == "?") == (fields[4] == "?"):
        out.append("exactly one of day-of-month and day-of-week must be '?'")
    return out
