"""Render a :class:`Plan` as JSON, Markdown or text.  Pure: returns strings.

The JSON schema is documented in README.md ("plan --format json") and in
``docs/plan.schema.json``; ``schema_version`` changes only on incompatible changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from cronmigrate import __version__
from cronmigrate.analysis.secrets import is_secret, parameter_name
from cronmigrate.aws_facts import (
    FREE_TIERS,
    PRICES_AS_OF,
    PRICES_REGION,
    PYTHON_RUNTIME,
    RUNTIME,
)
from cronmigrate.diagnostics import Diagnostic, visible
from cronmigrate.plan.model import JobPlan, Plan

# 2: a cost estimate per job and in the summary. 3: each job's function (the name generate
# gives it), its settings key, its line on the server and its runtime; cannot_run counted.
SCHEMA_VERSION = 3
_SURROGATE = re.compile("[\udc80-\udcff]")


def _diag(d: Diagnostic) -> dict[str, str]:
    return {
        "source": str(d.location),
        "code": d.code,
        "severity": str(d.severity),
        "message": d.message,
    }


def _job(j: JobPlan) -> dict[str, Any]:
    job = j.job
    tr = j.translation
    env: dict[str, str] = {}
    for k, v in job.environment:
        # Never a secret's value (JSON plans end up in CI artefacts): where generate reads it.
        secret = parameter_name(j.function or "<function>", k)
        env[k] = f"<secret: {secret}>" if is_secret(k, v) else v
    proof = tr.proof
    runtime = None
    if j.function and j.target == "lambda":
        python = j.analysis is not None and j.analysis.python
        runtime = PYTHON_RUNTIME if python else RUNTIME
    return {
        "source": job.location.short,
        "server_source": j.source or None,
        "function": j.function or None,
        "key": j.settings_key,
        "target": j.target,
        "runtime": runtime,
        "user": job.user,
        "schedule": job.schedule_text,
        "description": j.description,
        "command": job.command,
        "stdin": job.stdin,
        "environment": env,
        "timezone": j.timezone,
        "status": tr.status.value,
        "reasons": [_diag(r) | {"source": job.location.short} for r in tr.reasons],
        "eventbridge": [s.to_json() for s in tr.schedules],
        "cost": j.cost.to_json() if j.cost is not None else None,
        "verified": tr.verified,
        "proof": None
        if proof is None
        else {
            "horizon": proof.horizon,
            "equal": proof.equal_local,
            "duplicate_instants_per_400_years": proof.duplicates_per_cycle,
            "dst_differences": list(proof.dst_differences),
        },
        "next_runs": list(j.next_runs),
    }


def to_dict(plan: Plan) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "cronmigrate": __version__,
        "target": plan.trigger.value,
        "default_timezone": plan.default_timezone,
        "files": list(plan.files),
        "jobs": [_job(j) for j in plan.jobs],
        "diagnostics": [_diag(d) for d in plan.diagnostics],
        "summary": dict(plan.summary) | {"cost_usd_per_month": _rounded(total_cost(plan))},
    }


def to_json(plan: Plan) -> str:
    """The plan as JSON, one job or diagnostic per line.

    Pretty-printing with ``indent`` makes Python use its pure-Python encoder, ten times
    slower on a 10,000-job plan; one line per item stays readable and diffable.
    """
    data = to_dict(plan)

    def dump(value: object) -> str:
        # Bytes that were not UTF-8 in the crontab come through as lone surrogates: write
        # them as the text \\xNN (a JSON "\\\\xNN"), so that the document is valid UTF-8
        # and holds no lone surrogate, which strict readers refuse.
        text = json.dumps(value, ensure_ascii=False, sort_keys=False)
        return _SURROGATE.sub(lambda m: f"\\\\x{ord(m.group()) - 0xDC00:02x}", text)

    lines = ["{"]
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n".join(f"    {dump(v)}" for v in value)
            lines.append(f"  {dump(key)}: [\n{items}\n  ],")
        else:
            lines.append(f"  {dump(key)}: {dump(value)},")
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    return "\n".join(lines) + "\n"


def total_cost(plan: Plan) -> float | None:
    costs = [j.cost.total for j in plan.jobs if j.cost is not None]
    return sum(costs) if costs else None


def _rounded(total: float | None) -> float | None:
    return None if total is None else round(total, 9)


def cost_line(plan: Plan) -> str:
    total = total_cost(plan)
    if total is None:
        return ""
    free = "; ".join(f"{k}: {v}" for k, v in FREE_TIERS.items())
    return (
        f"Estimated cost: ${total:,.2f} a month ({PRICES_REGION} prices of {PRICES_AS_OF}; "
        "an estimate: "
        f"duration as expected_duration, free tiers not subtracted: {free})"
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_line(plan: Plan) -> str:
    s = plan.summary
    refused = f"{s['refused']} refused"
    if s.get("cannot_run"):
        refused += f" ({s['cannot_run']} cannot run on Lambda as they are)"
    return (
        f"{_count(s['jobs'], 'job', 'jobs')}: {s['ok']} ok, "
        f"{_count(s['warning'], 'warning', 'warnings')}, {refused}, "
        f"{s['disabled']} disabled, {s.get('migrated', 0)} migrated; "
        f"{_count(s['malformed'], 'malformed line', 'malformed lines')}; "
        f"{_count(s['schedules'], 'EventBridge schedule', 'EventBridge schedules')}"
    )


def _md_cell(text: str) -> str:
    return visible(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(plan: Plan, on_server: bool = False) -> str:
    """The plan as a Markdown table; ``on_server``: crontabs by their paths on the server (for
    generated files, which must not depend on where generate ran)."""

    def source(j: JobPlan) -> str:
        return j.source if on_server and j.source else j.job.location.short

    def where(d: Diagnostic) -> str:
        loc = d.location
        return str(loc._replace(path=plan.on_server(loc.path))) if on_server else str(loc)

    out = ["# cronmigrate plan", ""]
    out.append(
        f"Target: EventBridge {plan.trigger.value}; default time zone `{plan.default_timezone}`."
    )
    out.append("")
    out.append(
        "| Source | User | Schedule | EventBridge | Time zone | Status | Cost/month | Reasons |"
    )
    out.append("|---|---|---|---|---|---|---|---|")
    for j in plan.jobs:
        exprs = "<br>".join(f"`{s.expression}`" for s in j.translation.schedules) or "—"
        reasons = "<br>".join(_md_cell(f"{r.code}: {r.message}") for r in j.translation.reasons)
        out.append(
            "| "
            + " | ".join(
                [
                    f"`{_md_cell(source(j))}`",
                    _md_cell(j.job.user or "—"),
                    f"`{_md_cell(j.job.schedule_text)}`",
                    exprs,
                    _md_cell(j.timezone),
                    f"**{j.status.value}**",
                    f"${j.cost.total:.4f}" if j.cost is not None else "—",
                    reasons or "",
                ]
            )
            + " |"
        )
    if plan.diagnostics:
        out += ["", "## Findings", ""]
        out += [
            f"- `{where(d)}` {d.code} {d.severity}: {_md_cell(d.message)}" for d in plan.diagnostics
        ]
    out += ["", summary_line(plan), ""]
    cost = cost_line(plan)
    if cost:
        out += [cost, ""]
    return "\n".join(out)


def job_block(j: JobPlan) -> str:
    """One job as plain text (its lines, each ending in a newline)."""
    job = j.job
    out = [
        f"{visible(job.location.short)}  {job.user or '-'}  {job.schedule_text}  [{j.status.value}]"
    ]
    out.append(f"  what:        {j.description}")
    out.append(f"  command:     {visible(job.command)}")
    if job.stdin is not None:
        out.append(f"  stdin:       {visible(repr(job.stdin))}")
    for s in j.translation.schedules:
        out.append(f"  eventbridge: {s.expression}  ({s.timezone})")
    if j.next_runs:
        out.append(f"  next runs:   {', '.join(j.next_runs)}")
    if j.cost is not None:
        out.append(
            f"  cost:        ${j.cost.total:.4f} a month ({j.cost.runs_per_month:,.2f} runs)"
        )
    if j.translation.proof is not None:
        out.append(f"  verified:    {'yes' if j.translation.verified else 'no'}")
    for r in j.translation.reasons:
        out.append(f"  {r.code} {r.severity}: {r.message}")
    return "\n".join(out) + "\n\n"


def iter_text(plan: Plan) -> Iterator[str]:
    """Plain text, one block per job, as it is made: for pipes, logs and golden tests."""
    for d in plan.diagnostics:
        yield d.one_line() + "\n"
    if plan.diagnostics:
        yield "\n"
    for j in plan.jobs:
        yield job_block(j)
    yield summary_line(plan) + "\n"
    cost = cost_line(plan)
    if cost:
        yield cost + "\n"


def to_text(plan: Plan) -> str:
    return "".join(iter_text(plan))
