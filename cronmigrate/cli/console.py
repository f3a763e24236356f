"""The terminal view of a plan. Imported only when printing to a TTY.

Printed as it goes, in bounded memory: a table of at most CHUNK jobs at a time on a wide
terminal, the plain-text blocks on a narrow one (where ten columns would break every
word)."""

from __future__ import annotations

from itertools import groupby, islice

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cronmigrate.diagnostics import echo
from cronmigrate.plan.model import JobPlan, Plan
from cronmigrate.plan.report import job_block, summary_line
from cronmigrate.schedule.model import Status

_STYLE = {
    Status.OK: "green",
    Status.WARNING: "yellow",
    Status.REFUSED: "red",
    Status.DISABLED: "dim",
    Status.MIGRATED: "dim",
}
CHUNK = 50
WIDE = 140  # columns a table needs to show every column without breaking words


def print_plan(plan: Plan, console: Console) -> None:
    for d in plan.diagnostics:
        style = {"error": "red", "warning": "yellow"}.get(str(d.severity), "dim")
        console.print(Text(d.one_line(), style=style))
    if console.width < WIDE:
        for j in plan.jobs:
            console.print(Text(job_block(j).rstrip("\n"), style=_STYLE[j.status]), end="\n\n")
    else:
        for path, jobs in groupby(plan.jobs, key=lambda j: j.job.location.path):
            first = True
            it = iter(jobs)
            while chunk := list(islice(it, CHUNK)):
                console.print(_table(path if first else f"{path} (continued)", chunk))
                first = False
    console.print(summary_line(plan), style="bold")


def _table(title: str, jobs: list[JobPlan]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=True, expand=True)
    for col in ("Line", "User", "Schedule", "Command", "EventBridge", "Zone", "Next runs"):
        table.add_column(col, overflow="fold" if col == "Command" else "ellipsis")
    table.add_column("Status", overflow="fold")
    table.add_column("Verified")
    for j in jobs:
        status = Text(j.status.value, style=_STYLE[j.status])
        for r in j.translation.reasons:
            status.append(f"\n{r.code}: {r.message}", style="dim")
        proof = j.translation.proof
        verified = "-" if proof is None else ("yes" if j.translation.verified else "no")
        table.add_row(
            str(j.job.location.line),
            j.job.user or "-",
            j.job.schedule_text,
            echo(j.job.command, 120),
            "\n".join(s.expression for s in j.translation.schedules) or "-",
            j.translation.schedules[0].timezone if j.translation.schedules else j.timezone,
            "\n".join(r.replace("T", " ")[:16] for r in j.next_runs) or "-",
            status,
            verified,
        )
    return table
